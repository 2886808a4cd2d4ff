"""The Django cache on Redis, answering as an empty cache while Redis is unreachable.

Everything the project keeps in the cache can be rebuilt from the database: sessions (``cached_db``
writes them through to PostgreSQL), badge counts, option lists, throttle counters, the Celery
heartbeat. So while Redis is down a read is a miss, a write is dropped and a delete reports nothing
deleted; each is logged (one warning per ``WARN_EVERY`` seconds per process, not one per call).
Only connection and timeout errors are absorbed: a wrong command or a full Redis still raises.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY = 10.0


class UnreachableWarnings:
    """When this process last warned that Redis is unreachable (shared by every thread's cache instance)."""

    lock = threading.Lock()
    last = float("-inf")


def _unreachable(operation: str, error: Exception) -> None:
    now = time.monotonic()
    with UnreachableWarnings.lock:
        if now - UnreachableWarnings.last < WARN_EVERY:
            return
        UnreachableWarnings.last = now
    logger.warning("cache: Redis unreachable (%s: %s); %s answered as an empty cache", type(error).__name__, error,
                   operation)


class RedisCache(DjangoRedisCache):
    """Django's RedisCache; while Redis is unreachable it misses, drops writes and logs instead of raising."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            _unreachable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            _unreachable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            _unreachable("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Not added: a caller using add() as a lock (one mailbox poll at a time) skips its turn.
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            _unreachable("add", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            _unreachable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            _unreachable("set_many", error)
            return list(data)  # Django's contract: the keys that were not stored

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            _unreachable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            _unreachable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as error:
            _unreachable("delete_many", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            _unreachable("incr", error)
            # Django's answer for a key that is not there: callers start the count again with set().
            raise ValueError(f"Key '{key}' not found (Redis unreachable)") from error

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as error:
            _unreachable("clear", error)
            return False
