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


def test_a_connection_above_fd_setsize_is_checked():
    """A process serving many streams holds descriptors above 1024, which select() cannot watch."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2048:
        pytest.skip("the descriptor limit is below 2048")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
    try:
        with connect() as conn:
            high = os.dup2(conn.fileno(), 1500)
            try:
                class High:
                    closed = False

                    def fileno(self):
                        return high

                connection_check(High())
            finally:
                os.close(high)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_pool_uses_it():
    from django.conf import settings

    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["check"] is connection_check
