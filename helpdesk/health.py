"""Health checks for /healthz: database, Redis and the Celery heartbeat; warnings that need an admin, not a restart."""

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from helpdesk.calendars import provisional_year_warning
from helpdesk.heartbeat import heartbeat_last


def check_database() -> dict:
    """Return the database state."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means down; the message says which
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}".strip()[:300]}
    return {"ok": True}


def check_redis() -> dict:
    """Return the Redis state."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        client.close()
    return {"ok": True}


def check_celery(*, redis_ok: bool) -> dict:
    """Return the age of the last worker heartbeat sent by beat."""
    if not redis_ok:
        return {"ok": False, "error": "heartbeat unreadable: Redis is down"}
    try:
        last = heartbeat_last()
    except redis.RedisError as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    if last is None:
        return {"ok": False, "error": "no heartbeat yet: is the Celery worker and beat running?"}
    age = (timezone.now() - last["at"]).total_seconds()
    state = {"ok": age <= settings.HEARTBEAT_STALE_SECONDS, "last_heartbeat_at": last["at"].isoformat(),
             "age_seconds": round(age, 1), "worker": last["worker"]}
    if not state["ok"]:
        state["error"] = f"last heartbeat {int(age)} s ago: Celery beat or worker is not running"
    return state


def check_calendars(*, database_ok: bool) -> dict:
    """Return a warning when next year's holiday schedule is still provisional from 1 October on (never down)."""
    if not database_ok:
        return {"ok": True}
    warning = provisional_year_warning()
    if warning is None:
        return {"ok": True}
    return {"ok": True, "warning": (f"official {warning['year']} holiday schedule not entered for "
                                    f"{', '.join(warning['calendars'])}: deadlines in {warning['year']} are provisional")}


def health_report() -> dict:
    """Return every check, the names of those that are down and of those that carry a warning."""
    database = check_database()
    redis_state = check_redis()
    celery = check_celery(redis_ok=redis_state["ok"])
    calendars = check_calendars(database_ok=database["ok"])
    checks = {"database": database, "redis": redis_state, "celery": celery, "calendars": calendars}
    down = [name for name, state in checks.items() if not state["ok"]]
    warnings = [name for name, state in checks.items() if state.get("warning")]
    return {"status": "ok" if not down else "down", "down": down, "warnings": warnings, "checks": checks}
