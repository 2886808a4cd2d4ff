import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.cache import cache

from helpdesk import cache as cache_module

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once


@pytest.fixture
def unreachable(monkeypatch):
    """A cache configured like the project's, on a Redis that refuses connections.

    Built directly rather than through override_settings(CACHES=...), which would replace the cache
    handler's per-thread clients for the rest of the run. Pages and sessions with Redis down are covered
    end to end by tests/faults/test_redis_down.py.
    """
    monkeypatch.setattr(cache_module.UnreachableWarnings, "last", float("-inf"))
    return cache_module.RedisCache(UNREACHABLE, {**settings.CACHES["default"], "LOCATION": UNREACHABLE})


def test_unreachable_redis_reads_as_a_miss_and_drops_writes(unreachable, caplog):
    with caplog.at_level(logging.WARNING, logger="helpdesk.cache"):
        assert unreachable.get("k", "fallback") == "fallback"
        assert unreachable.get_many(["a", "b"]) == {}
        assert unreachable.has_key("k") is False and "k" not in unreachable
        assert unreachable.add("k", 1) is False
        unreachable.set("k", 1)
        assert unreachable.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert unreachable.touch("k") is False and unreachable.delete("k") is False
        unreachable.delete_many(["a", "b"])
        assert unreachable.get_or_set("k", 7) == 7
        with pytest.raises(ValueError):
            unreachable.incr("k")
    warnings = [r for r in caplog.records if r.name == "helpdesk.cache"]
    assert len(warnings) == 1 and "Redis unreachable" in warnings[0].getMessage()  # one per interval, not per call


def test_async_calls_degrade_the_same_way(unreachable):
    async def calls():
        await unreachable.aset("k", 1)
        return await unreachable.aget("k", "fallback"), await unreachable.adelete("k")

    # A thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(asyncio.run, calls()).result(timeout=30) == ("fallback", False)


def test_reachable_redis_is_an_ordinary_cache():
    cache.set("cache-roundtrip", {"n": 1}, 30)
    assert cache.get("cache-roundtrip") == {"n": 1}
    assert cache.add("cache-roundtrip", 2) is False
    assert cache.delete("cache-roundtrip") is True


def test_an_error_that_is_not_about_reaching_redis_still_raises():
    cache.set("cache-text", "not a number", 30)
    with pytest.raises(Exception) as raised:
        cache.incr("cache-text")
    assert not isinstance(raised.value, ValueError)
    cache.delete("cache-text")
