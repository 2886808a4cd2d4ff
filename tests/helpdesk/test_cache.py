import logging

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import override_settings

from helpdesk import cache as cache_module
from tests.factories import TicketFactory

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once


def unreachable_caches():
    return {"default": {**settings.CACHES["default"], "LOCATION": UNREACHABLE}}


@pytest.fixture
def warned_long_ago(monkeypatch):
    monkeypatch.setattr(cache_module.UnreachableWarnings, "last", float("-inf"))


def test_unreachable_redis_reads_as_a_miss_and_drops_writes(warned_long_ago, caplog):
    with override_settings(CACHES=unreachable_caches()), caplog.at_level(logging.WARNING, logger="helpdesk.cache"):
        down = caches["default"]
        assert down.get("k", "fallback") == "fallback"
        assert down.get_many(["a", "b"]) == {}
        assert down.has_key("k") is False and "k" not in down
        assert down.add("k", 1) is False
        down.set("k", 1)
        assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert down.touch("k") is False and down.delete("k") is False
        down.delete_many(["a", "b"])
        assert down.get_or_set("k", 7) == 7
        with pytest.raises(ValueError):
            down.incr("k")
    warnings = [r for r in caplog.records if r.name == "helpdesk.cache"]
    assert len(warnings) == 1 and "Redis unreachable" in warnings[0].getMessage()  # one per interval, not per call


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


@pytest.mark.django_db
def test_logged_in_pages_answer_while_redis_is_unreachable(client, agent, team, warned_long_ago):
    ticket = TicketFactory(team=team)
    client.force_login(agent)  # the session is in the database as well as in Redis
    with override_settings(CACHES=unreachable_caches()):
        for path in ("/inbox/", f"/tickets/{ticket.pk}/", "/customers/"):
            assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_a_session_made_while_redis_was_unreachable_is_read_from_the_database(client, agent, warned_long_ago):
    with override_settings(CACHES=unreachable_caches()):
        client.force_login(agent)
    assert client.get("/inbox/").status_code == 200


@pytest.mark.django_db
def test_throttled_api_answers_while_redis_is_unreachable(api_client, agent, warned_long_ago):
    from tests.factories.helpdesk import PASSWORD

    with override_settings(CACHES=unreachable_caches()):
        response = api_client.post("/api/v1/auth/token/", {"username": agent.username, "password": PASSWORD},
                                   format="json")
    assert response.status_code == 200 and response.json()["token"]
