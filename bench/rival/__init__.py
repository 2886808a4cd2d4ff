"""django-helpdesk's ticket page timed the way ours is (``make bench-rival``), and its rows set against ours.

The modules that import django-helpdesk (``settings``, ``urls``, ``data``, ``run``) run in their own
virtualenv, ``.venv-rival``; this module and ``report`` run in ours and import neither.
"""

RIVAL = "django-helpdesk 2.6.1"
RIVAL_THREAD = f"{RIVAL}: ticket page, 50-follow-up thread"
RIVAL_SHORT_THREAD = f"{RIVAL}: ticket page, 5-follow-up thread"
RIVAL_ROWS = [RIVAL_THREAD, RIVAL_SHORT_THREAD]
# Our case each rival row is set against (its median ÷ ours), where there is one.
OURS = {RIVAL_THREAD: "ticket page, 50-message thread"}


def rival_ratios_refresh(rows: list[dict]) -> list[dict]:
    """Return the rows with each rival row's ratio set to its median ÷ our case's median, or none without ours."""
    medians = {row["case"]: row["median"] for row in rows}
    refreshed = []
    for row in rows:
        ours = OURS.get(row["case"])
        if ours is not None:
            ratio = row["median"] / medians[ours] if medians.get(ours) and row["median"] is not None else None
            row = {**row, "floor": ours if ratio is not None else None,
                   "ratio": None if ratio is None else round(ratio, 2)}
        refreshed.append(row)
    return refreshed
