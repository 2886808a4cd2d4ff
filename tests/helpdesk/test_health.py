import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import override_settings

from helpdesk.heartbeat import HEARTBEAT_KEY, heartbeat_record


@pytest.fixture
def fresh_heartbeat():
    heartbeat_record(worker="test@host")
    yield
    cache.delete(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_all_up_is_200(client, fresh_heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["down"] == [] and body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["celery"]["worker"] == "test@host"


@pytest.mark.django_db
def test_redis_down_is_503_naming_it(client, fresh_heartbeat):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "redis" in response.json()["down"]


@pytest.mark.django_db
def test_database_down_is_503_naming_it(client, fresh_heartbeat, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


@pytest.mark.django_db
def test_missing_heartbeat_is_503_naming_celery(client):
    cache.delete(HEARTBEAT_KEY)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["celery"]


@pytest.mark.django_db
def test_stale_heartbeat_is_503(client, fresh_heartbeat, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10), tick=False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "celery" in response.json()["down"]
    assert "not running" in response.json()["checks"]["celery"]["error"]
