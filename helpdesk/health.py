"""Health checks for /healthz: database, Redis and the Celery heartbeat."""

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

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


def health_report() -> dict:
    """Return every check and the names of those that are down."""
    database = check_database()
    redis_state = check_redis()
    celery = check_celery(redis_ok=redis_state["ok"])
    checks = {"database": database, "redis": redis_state, "celery": celery}
    down = [name for name, state in checks.items() if not state["ok"]]
    return {"status": "ok" if not down else "down", "down": down, "checks": checks}
