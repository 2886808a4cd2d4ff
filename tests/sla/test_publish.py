"""The sweep publishes real check messages to the broker: the task, its kwargs, an expiry, the routed queue."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import redis
from django.conf import settings

from helpdesk.celery import app
from sla.tasks import CHECK_CHUNK, sla_timer_check_many, sla_timer_checks_enqueue


@pytest.fixture
def routed_queue():
    """Route the check task to a queue of this test only, so nothing else consumes or leaves messages there."""
    queue = f"test-sla-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_routes
    app.conf.task_routes = {"tickets.sla_timer_check_many": {"queue": queue}}
    app.amqp.flush_routes()
    with mock.patch.object(app.amqp, "router", app.amqp.Router()):
        yield queue
    app.conf.task_routes = previous
    app.amqp.flush_routes()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def test_enqueue_publishes_the_timers_in_chunks_to_the_routed_queue(routed_queue):
    timer_ids = list(range(1, 2 * CHECK_CHUNK + 2))
    start = datetime.now(UTC)
    sla_timer_checks_enqueue(timer_ids, expires=300)
    end = datetime.now(UTC)
    raw = redis.Redis.from_url(settings.CELERY_BROKER_URL).lrange(routed_queue, 0, -1)
    assert len(raw) == 3
    messages = [json.loads(item) for item in raw]
    chunks = sorted(json.loads(base64.b64decode(m["body"]))[1]["timer_ids"] for m in messages)
    assert sorted(i for chunk in chunks for i in chunk) == timer_ids and sorted(map(len, chunks)) == [1, 50, 50]
    assert {m["headers"]["task"] for m in messages} == {sla_timer_check_many.name}
    expiries = [datetime.fromisoformat(m["headers"]["expires"]) for m in messages]
    assert all(start + timedelta(seconds=299) < expiry <= end + timedelta(seconds=300) for expiry in expiries)
    assert len({m["headers"]["id"] for m in messages}) == 3
