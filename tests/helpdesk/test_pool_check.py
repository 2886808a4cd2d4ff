"""A pooled connection is checked without a round trip, and a connection the server closed is refused."""

import select

import psycopg
import pytest
from django.db import connection

from helpdesk.pool_check import connection_check

pytestmark = pytest.mark.django_db


def connect():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(autocommit=True, **params)


def last_query(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_healthy_connection_passes_without_a_round_trip():
    with connect() as conn:
        conn.execute("SELECT 'last statement'")
        connection_check(conn)
        assert last_query(conn.info.backend_pid) == "SELECT 'last statement'"


def test_a_connection_the_server_terminated_is_refused():
    with connect() as conn:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])
        readable, _w, _x = select.select([conn.fileno()], [], [], 10)
        assert readable, "the server's farewell did not arrive"
        with pytest.raises(psycopg.OperationalError):
            connection_check(conn)


def test_the_pool_uses_it():
    from django.conf import settings

    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["check"] is connection_check
