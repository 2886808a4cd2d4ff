"""Database housekeeping that has to happen before migrate can run."""

import psycopg
from django.db import connection
from psycopg import sql


def database_ensure(*, fresh: bool = False) -> None:
    """Create the configured PostgreSQL database if it does not exist yet; ``fresh`` drops it first (CI)."""
    config = connection.settings_dict
    params = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"], "password": config["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}) as maintenance:
        if fresh:
            maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(config["NAME"])))
        if maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone() is None:
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
