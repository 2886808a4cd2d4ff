import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from helpdesk.celery import app
from helpdesk.heartbeat import HEARTBEAT_KEY, heartbeat_last
from helpdesk.tasks import heartbeat_record_task


def test_beat_schedule_sends_the_heartbeat():
    entry = app.conf.beat_schedule["helpdesk-heartbeat"]
    assert entry["task"] == heartbeat_record_task.name
    assert entry["options"]["expires"] < entry["schedule"]


def test_task_runs_as_a_plain_function():
    cache.delete(HEARTBEAT_KEY)
    heartbeat_record_task.run()
    assert heartbeat_last() is not None
    cache.delete(HEARTBEAT_KEY)


@pytest.mark.django_db(transaction=True)
def test_heartbeat_travels_through_redis_to_a_real_worker():
    assert not app.conf.task_always_eager
    assert app.conf.broker_url.startswith("redis://")
    cache.delete(HEARTBEAT_KEY)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = heartbeat_record_task.delay()
        assert result.get(timeout=20), "the worker never ran the task"
    last = heartbeat_last()
    assert last is not None and last["worker"]  # recorded by a worker, not by this process calling the function
    cache.delete(HEARTBEAT_KEY)
