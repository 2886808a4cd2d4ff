"""Ranking of scorecards and 服务之星: who is ahead, who shares a place, who gets the star."""


def ranked(rows: list[dict]) -> list[dict]:
    """Rank rows by final score (ties share a rank, the next rank skips), best first; add ``rank``."""
    rows = sorted(rows, key=lambda r: (-r["final_score"], r["agent_id"]))
    for position, row in enumerate(rows, start=1):
        same = position > 1 and rows[position - 2]["final_score"] == row["final_score"]
        row["rank"] = rows[position - 2]["rank"] if same else position
    return rows


def star_winners(rows: list[dict], minimum: int) -> set[int]:
    """Return the agents of 服务之星: top final score with at least ``minimum`` tickets; ties go to volume, then share."""
    eligible = [r for r in rows if r["final_score"] is not None and r["volume"] >= minimum]
    best = max(((r["final_score"], r["volume"]) for r in eligible), default=None)
    return {r["agent_id"] for r in eligible if (r["final_score"], r["volume"]) == best}
