"""Who else has a ticket open right now, and whether they are replying: short-lived entries in the cache (Redis).

One cache entry per ticket maps each present user to their name, state and the time of their last
heartbeat. An entry older than ``PRESENCE_SECONDS`` no longer counts, so a closed tab disappears by
itself. Presence is a convenience: while Redis is unreachable nobody is shown and nothing fails.
"""

import logging
import time

from django.core.cache import cache
from redis.exceptions import RedisError

from tickets.models import Ticket

logger = logging.getLogger(__name__)

PRESENCE_SECONDS = 20  # a browser reports every ~5 s; three missed heartbeats and the user is gone

VIEWING, REPLYING, LEFT = "viewing", "replying", "left"
STATES = (VIEWING, REPLYING, LEFT)


def _key(ticket_id: int) -> str:
    return f"tickets:presence:{ticket_id}"


def _current(entries: dict, now: float) -> dict:
    return {user_id: entry for user_id, entry in (entries or {}).items() if now - entry["at"] < PRESENCE_SECONDS}


def ticket_presence_report(*, ticket: Ticket, user, state: str) -> None:
    """Record that the user is viewing or replying to the ticket now, or has left it.

    Read-modify-write without a lock: two heartbeats at the same instant may drop one entry, which the
    next heartbeat (~5 s later) puts back.
    """
    if state not in STATES:
        raise ValueError(state)
    now = time.time()
    try:
        entries = _current(cache.get(_key(ticket.pk)), now)
        if state == LEFT:
            entries.pop(user.pk, None)
        else:
            entries[user.pk] = {"name": str(user), "state": state, "at": now}
        if entries:
            cache.set(_key(ticket.pk), entries, PRESENCE_SECONDS)
        else:
            cache.delete(_key(ticket.pk))
    except RedisError:
        logger.warning("tickets: could not record presence on ticket %s", ticket.pk, exc_info=True)


def ticket_presence_others(*, ticket: Ticket, viewer) -> list[dict]:
    """Return the other users present on the ticket (``user_id``, ``name``, ``state``), replying ones first."""
    try:
        entries = _current(cache.get(_key(ticket.pk)), time.time())
    except RedisError:
        logger.warning("tickets: could not read presence on ticket %s", ticket.pk, exc_info=True)
        return []
    others = [{"user_id": user_id, "name": entry["name"], "state": entry["state"]}
              for user_id, entry in entries.items() if user_id != viewer.pk]
    return sorted(others, key=lambda other: (other["state"] != REPLYING, other["name"]))
