"""Autovacuum's due work before a bench case: done outside a transaction, never inside one."""

import pytest
from django.db import connection, transaction

from bench.upkeep import database_upkeep


@pytest.mark.django_db(transaction=True)
def test_upkeep_vacuums_what_autovacuum_would_when_the_server_runs_without_it():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
        cursor.execute("CREATE TABLE bench_upkeep_probe (n int)")
        cursor.execute("INSERT INTO bench_upkeep_probe SELECT generate_series(1, 2000)")
        cursor.execute("SELECT pg_stat_force_next_flush()")  # the server counts the inserts when this commits
    try:
        tables = database_upkeep()
        if autovacuum == "on":
            assert tables == []  # the server's own autovacuum does it
        else:
            assert "public.bench_upkeep_probe" in tables
            assert "public.bench_upkeep_probe" not in database_upkeep()  # done: nothing due any more
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_upkeep_probe")


@pytest.mark.django_db
def test_upkeep_does_nothing_inside_a_transaction():
    assert database_upkeep() == []
