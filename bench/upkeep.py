"""Autovacuum's work, done before a case is timed when the database server runs without autovacuum.

A production PostgreSQL vacuums and analyzes a table once its dead, inserted or changed rows pass the
thresholds of its settings; a server started with ``autovacuum = off`` (as some development machines are)
never does, and its bench tables fill with dead rows and stale statistics that no deployment would keep.
So with autovacuum off, the tables past those same thresholds are vacuumed and analyzed before each case.
"""

from django.db import connection

# The tables autovacuum would take now, by the server's own thresholds (a table never analyzed counts 0 rows).
DUE = """
    SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname)
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float
            + current_setting('autovacuum_vacuum_scale_factor')::float * greatest(c.reltuples, 0)
       OR s.n_ins_since_vacuum > current_setting('autovacuum_vacuum_insert_threshold')::float
            + current_setting('autovacuum_vacuum_insert_scale_factor')::float * greatest(c.reltuples, 0)
       OR s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float
            + current_setting('autovacuum_analyze_scale_factor')::float * greatest(c.reltuples, 0)
    ORDER BY 1
"""


def database_upkeep() -> list[str]:
    """Vacuum and analyze the tables past autovacuum's thresholds when the server's autovacuum is off; return them.

    Inside a transaction (a test's) nothing is done: VACUUM cannot run there.
    """
    if connection.in_atomic_block:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return []
        cursor.execute(DUE)
        tables = [table for (table,) in cursor.fetchall()]
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return tables
