"""The order import's writes for parsed chunks (XLSX files and other non-CSV sources): ids first, then rows by COPY.

COPY loads rows with no INSERT statement to build or plan per row; the order ids are taken from the
sequence first, so the items are written with their orders' ids and need no look-up.
"""

import csv
import io

from django.conf import settings
from django.db import connection

NULL = r"\N"


def chunk_transaction_prepare() -> None:
    """Tune the current transaction for a chunk: no wait for the commit to reach disk, naive times as shop time."""
    with connection.cursor() as cursor:
        # Safe to lose on a crash: a re-run skips the orders already present.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # Naive times in the file are shop-local times (TIME_ZONE).
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [settings.TIME_ZONE])


def ids_reserve(table: str, count: int) -> list[int]:
    """Return ``count`` new ids from the table's id sequence."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [count])
        return [row[0] for row in cursor.fetchall()]


def rows_copy(table: str, columns: list[str], rows) -> None:
    """COPY rows into a table; None must already be written as ``NULL`` (\\N)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
            copy.write(buffer.getvalue())
