"""The Celery heartbeat: beat sends it, a worker records it, /healthz reads it."""

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"


def heartbeat_record(*, worker: str = "") -> datetime:
    """Record that a worker ran the beat's heartbeat task just now."""
    now = timezone.now()
    cache.set(HEARTBEAT_KEY, {"at": now.isoformat(), "worker": worker}, timeout=None)
    return now


def heartbeat_last() -> dict | None:
    """Return the last recorded heartbeat as {"at": datetime, "worker": str}, or None."""
    value = cache.get(HEARTBEAT_KEY)
    if not value:
        return None
    return {"at": datetime.fromisoformat(value["at"]), "worker": value.get("worker", "")}
