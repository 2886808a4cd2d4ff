"""Database housekeeping that has to happen before migrate can run."""

from django.db import connection


def database_ensure(*, fresh: bool = False) -> None:
    """Create the configured PostgreSQL database if it does not exist yet; ``fresh`` drops it first (CI)."""
    import psycopg2
    from psycopg2 import sql

    params = connection.get_connection_params()
    name = params.pop("dbname", None) or params.pop("database")
    params.pop("client_encoding", None)
    params.pop("cursor_factory", None)
    maintenance = psycopg2.connect(dbname="postgres", **params)
    maintenance.autocommit = True
    try:
        with maintenance.cursor() as cursor:
            if fresh:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        maintenance.close()
