"""Counters of public requests in the cache: how many from one address or for one object within a window."""

from django.core.cache import cache


def counters_over(counters) -> bool:
    """Count one request on each ``(key, limit, window seconds)``; return True when any is over its limit."""
    over = False
    for key, limit, window in counters:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
        over = over or count > limit
    return over
