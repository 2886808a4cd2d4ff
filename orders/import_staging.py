"""Order import of a CSV file: COPY the raw CSV into a staging table, then check and write it with set-based SQL.

Python never parses the rows: COPY reads the file, one ``DISTINCT ON`` query makes one line per order
with its first bad row (if any), and three ``INSERT … SELECT`` statements write the missing customers,
the orders (``ON CONFLICT (number) DO NOTHING``: orders already present are skipped) and their items.
Everything runs in one transaction: a failure leaves nothing behind. Progress is reported after each
phase (read, checked, written): the caller's progress callback may write to the database, which it
cannot do while COPY holds the connection. The rules are those of
``orders.importing.orders_parse``; an order with any bad row is refused whole and reported. The
order's own fields are then checked in Python by the same ``orders.importing.order_head_check`` as
on the other path (``orders.validation``: phone, status and times), one order at a time from a
server-side cursor, and the normalized phones and the reasons written back.
"""

from datetime import UTC

import psycopg
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from orders.importing import (COLUMNS, ITEM_COLUMNS, MAX_ERRORS, ORDER_COLUMNS, REQUIRED, STATUSES, ImportFileError,
                              import_error, order_head_check)
from orders.models import Order

COPY_CHUNK_BYTES = 1 << 20
# Accepted text forms (checked before any cast, so a bad value is a reported row and not an SQL error).
TIMESTAMP = (r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?)?"
             r"(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?$")
MONEY = r"^\d{1,10}(\.\d+)?$"
QUANTITY = r"^\d{1,9}$"
HEAD_CHECK_BATCH = 10_000

def staged_import_possible(file, name: str) -> bool:
    """Return whether this upload can take the staged path: a CSV file."""
    return not name.lower().endswith(".xlsx") and hasattr(file, "read")


def _header(file) -> list[str]:
    """Read and check the header line (UTF-8, optional BOM); return the column names in file order."""
    import csv

    first = file.readline()
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("the file is not UTF-8 text") from None
    header = [h.strip() for h in next(csv.reader([text]), [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(f"missing columns: {', '.join(missing)}")
    return header


def orders_import_staged(file, *, name: str, progress=None) -> dict:
    """Import a CSV of orders through a staging table; return rows, created, skipped, refused and errors."""
    result = {"rows": 0, "created": 0, "skipped": 0, "refused": 0, "errors": []}
    header = _header(file)
    known = [h if h in COLUMNS else f"extra_{i}" for i, h in enumerate(header)]
    if len(set(known)) != len(known):
        raise ImportFileError("a column appears twice")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")  # a lost import is simply run again
        cursor.execute("SET LOCAL work_mem TO '256MB'")
        # Naive times in the file are shop-local times (TIME_ZONE), as on the other path.
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [settings.TIME_ZONE])
        cursor.execute("DROP TABLE IF EXISTS pg_temp.order_stage, pg_temp.order_stage_order, pg_temp.order_stage_head, "
                       "pg_temp.order_stage_new")
        columns = ", ".join(f'"{c}" text' for c in known)
        cursor.execute(f"CREATE TEMP TABLE order_stage (line bigint GENERATED ALWAYS AS IDENTITY, {columns})")
        try:
            names = ", ".join(chr(34) + c + chr(34) for c in known)
            with cursor.cursor.copy(f"COPY order_stage ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
                while chunk := file.read(COPY_CHUNK_BYTES):
                    copy.write(chunk)
        except psycopg.Error as exc:  # a broken CSV or bad encoding: COPY names the line
            raise ImportFileError(f"the file cannot be read: {str(exc).splitlines()[0]}") from None
        missing = [c for c in COLUMNS if c not in known]
        for column in missing:
            cursor.execute(f'ALTER TABLE order_stage ADD COLUMN "{column}" text')
        cursor.execute("ANALYZE order_stage")  # temporary tables are never analyzed by autovacuum
        cursor.execute("SELECT count(*) FROM order_stage")
        result["rows"] = cursor.fetchone()[0]
        progress and progress({**result, "phase": "checking"})
        _check(cursor)
        _heads_check(cursor)
        cursor.execute("SELECT count(*) FILTER (WHERE error IS NOT NULL) FROM order_stage_head")
        result["refused"] = cursor.fetchone()[0]
        cursor.execute("SELECT order_number, error, error_field FROM order_stage_head WHERE error IS NOT NULL "
                       "ORDER BY first_line LIMIT %s", [MAX_ERRORS])
        result["errors"] = [import_error(number=number, error=error, field=field or "")
                            for number, error, field in cursor.fetchall()]
        progress and progress({**result, "phase": "writing"})
        result["created"], result["skipped"] = _write(cursor)
        cursor.execute("DROP TABLE order_stage, order_stage_order, order_stage_head, order_stage_new")
    progress and progress(result)
    return result


def _check(cursor) -> None:
    """Make order_stage_head: one line per order (its first row's fields, total, first bad row as its error)."""
    trim = {c: f'btrim(coalesce(s."{c}", \'\'))' for c in COLUMNS}
    statuses = "ARRAY[" + ", ".join(f"'{s}'" for s in sorted(STATUSES)) + "]"
    # The reason an item row is bad, or NULL (over the row's fields trimmed once, in a subquery).
    item_error = f"""
        CASE
          WHEN s.sku = '' OR s.item_name = '' THEN 'sku and item_name are required'
          WHEN s.quantity !~ '{QUANTITY}' THEN 'a quantity of at least 1 is required, not ' || quote_literal(s.quantity)
          WHEN s.quantity::bigint < 1 THEN 'a quantity of at least 1 is required, not ' || quote_literal(s.quantity)
          WHEN s.unit_price !~ '{MONEY}' THEN 'a unit price ≥ 0 is required, not ' || quote_literal(s.unit_price)
          WHEN length(s.sku) > 64 OR length(s.item_name) > 128 OR length(s.spec) > 128
            THEN 'sku, item_name or spec is too long'
        END"""
    item_fields = ", ".join(f"{trim[c]} AS {c}" for c in ["order_number", *ITEM_COLUMNS])
    # One pass over all rows (a hash aggregate, no sort), each row trimmed and checked once (OFFSET 0 keeps a
    # subquery whole): each order's first row, its first bad row (line number zero-padded before the reason, so
    # that min() picks the first) and its total, summed over good rows only (FILTER comes before the casts).
    cursor.execute(f"""
        CREATE TEMP TABLE order_stage_order AS
        SELECT s.order_number, min(s.line) AS first_line, min(lpad(s.line::text, 19, '0') || s.error) AS bad,
               sum(round(s.unit_price::numeric, 2) * s.quantity::bigint) FILTER (WHERE s.error IS NULL) AS total
        FROM (SELECT s.*, {item_error} AS error
              FROM (SELECT s.line, {item_fields} FROM order_stage s OFFSET 0) s OFFSET 0) s
        GROUP BY 1
    """)
    cursor.execute("ANALYZE order_stage_order")
    # The order's own fields from its first row, trimmed once and checked there; else the first bad item row's reason.
    fields = ", ".join(f"{trim[c]} AS {c}" for c in ORDER_COLUMNS)
    cursor.execute(f"""
        CREATE TEMP TABLE order_stage_head AS
        SELECT h.order_number, h.first_line, h.total, h.customer_phone AS phone, h.customer_name, h.status,
               h.placed_at AS placed_text, h.delivered_at AS delivered_text, h.shipped_at AS shipped_text, h.shop,
               h.payment_method, h.shipping_fee AS fee_text, NULL::text AS error_field,
               coalesce('row ' || (h.first_line + 1) || ': ' || CASE
                 WHEN h.order_number = '' OR h.customer_phone = '' THEN 'order_number and customer_phone are required'
                 WHEN NOT (h.status = ANY({statuses})) THEN 'unknown status ' || quote_literal(h.status)
                 WHEN h.placed_at = '' THEN 'placed_at is required'
                 WHEN h.placed_at !~ '{TIMESTAMP}' THEN 'placed_at is not a date and time: ' || quote_literal(h.placed_at)
                 WHEN h.delivered_at <> '' AND h.delivered_at !~ '{TIMESTAMP}'
                   THEN 'delivered_at is not a date and time: ' || quote_literal(h.delivered_at)
                 WHEN h.shipped_at <> '' AND h.shipped_at !~ '{TIMESTAMP}'
                   THEN 'shipped_at is not a date and time: ' || quote_literal(h.shipped_at)
                 WHEN h.shipping_fee <> '' AND h.shipping_fee !~ '{MONEY}'
                   THEN 'shipping_fee is not an amount: ' || quote_literal(h.shipping_fee)
                 WHEN length(h.order_number) > 40 OR length(h.customer_phone) > 32
                   OR length(h.shop) > 64 OR length(h.payment_method) > 32
                   THEN 'order_number, customer_phone, shop or payment_method is too long'
               END, 'row ' || (left(h.bad, 19)::bigint + 1) || ': ' || substr(h.bad, 20)) AS error
        FROM (SELECT g.*, {fields} FROM order_stage_order g JOIN order_stage s ON s.line = g.first_line OFFSET 0) h
    """)
    # Days 29–31 that do not exist in their month (2026-02-30): checked one by one, only for those few.
    cursor.execute("""
        CREATE OR REPLACE FUNCTION pg_temp.order_stage_time(value text) RETURNS timestamptz AS $$
        BEGIN
            RETURN value::timestamptz;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$ LANGUAGE plpgsql STABLE
    """)
    cursor.execute("""
        UPDATE order_stage_head SET error = 'row ' || (first_line + 1) || ': placed_at, shipped_at or delivered_at is not a real date'
        WHERE error IS NULL AND (substr(placed_text, 9, 2) > '28' AND pg_temp.order_stage_time(placed_text) IS NULL
              OR substr(delivered_text, 9, 2) > '28' AND pg_temp.order_stage_time(delivered_text) IS NULL
              OR substr(shipped_text, 9, 2) > '28' AND pg_temp.order_stage_time(shipped_text) IS NULL)
    """)
    cursor.execute("ANALYZE order_stage_head")


def _heads_check(cursor) -> None:
    """Check each good order's own fields with ``order_head_check``; store normalized phones and the refusals.

    The orders are read from a server-side cursor a batch at a time (times already checked to cast); only
    the orders whose phone changes or that are refused are copied back and updated.
    """
    cursor.execute("DROP TABLE IF EXISTS pg_temp.order_stage_fix")
    cursor.execute("CREATE TEMP TABLE order_stage_fix (first_line bigint, phone text, error_field text, error text)")
    fixed = 0
    with connection.connection.cursor(name="order_stage_heads") as heads:
        # Read as UTC wall-clock times: this transaction's TimeZone setting is the shop's, not the connection's.
        heads.execute("""
            SELECT first_line, phone, status, placed_text::timestamptz AT TIME ZONE 'UTC',
                   nullif(shipped_text, '')::timestamptz AT TIME ZONE 'UTC',
                   nullif(delivered_text, '')::timestamptz AT TIME ZONE 'UTC'
            FROM order_stage_head WHERE error IS NULL
        """)
        while batch := heads.fetchmany(HEAD_CHECK_BATCH):
            fixes = []
            for first_line, phone, status, *times in batch:
                placed_at, shipped_at, delivered_at = (t and t.replace(tzinfo=UTC) for t in times)
                normalized, field, error = order_head_check(row=first_line + 1, phone=phone, status=status,
                                                            placed_at=placed_at, shipped_at=shipped_at,
                                                            delivered_at=delivered_at)
                if error or normalized != phone:
                    fixes.append((first_line, normalized, field or None, error or None))
            if fixes:
                with cursor.cursor.copy("COPY order_stage_fix FROM STDIN") as copy:
                    for fix in fixes:
                        copy.write_row(fix)
                fixed += len(fixes)
    if fixed:
        cursor.execute("""
            UPDATE order_stage_head h SET phone = f.phone, error_field = f.error_field, error = f.error
            FROM order_stage_fix f WHERE h.first_line = f.first_line
        """)
    cursor.execute("DROP TABLE order_stage_fix")


def _write(cursor) -> tuple[int, int]:
    """Write missing customers, the new orders and their items; return (created, skipped as already present)."""
    order_table = Order._meta.db_table
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [order_table])
    sequence = cursor.fetchone()[0]
    skipped = 0
    for attempt in range(3):
        # Orders already present are dropped first, on their own: the planner cannot estimate such an
        # anti-join (it guesses that every number exists) and would nest loops on a million orders.
        cursor.execute(f"""
            DELETE FROM order_stage_head h
            WHERE h.error IS NULL AND EXISTS (SELECT 1 FROM {order_table} o WHERE o.number = h.order_number)
        """)
        skipped += cursor.rowcount
        if attempt == 0:
            # Customers by phone: the oldest archive with that primary phone, else a new one (named as in the file,
            # without tags: no tag rows to write).
            cursor.execute("""
                INSERT INTO customers_customer (name, phone, email, city, level, tags, source, notes,
                                                has_marketing_consent, has_survey_consent, review_status, created_at,
                                                updated_at)
                SELECT DISTINCT ON (h.phone) left(coalesce(nullif(h.customer_name, ''), h.phone), 64), h.phone, '', '',
                       'normal', '[]'::jsonb, h.shop, '', false, true, 'none', now(), now()
                FROM order_stage_head h
                WHERE h.error IS NULL AND NOT EXISTS (SELECT 1 FROM customers_customer c WHERE c.phone = h.phone)
                ORDER BY h.phone, h.first_line
            """)
        # The new orders with their ids taken now, in file order: numbers and ids go into their indexes in order
        # (appending), and the items need no look-up of the ids their orders were given.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.order_stage_new")
        cursor.execute("""
            CREATE TEMP TABLE order_stage_new AS
            SELECT nextval(%s::regclass) AS id, h.*, c.id AS customer_id
            FROM order_stage_head h
            JOIN (SELECT phone, min(id) AS id FROM customers_customer
                  WHERE phone IN (SELECT phone FROM order_stage_head WHERE error IS NULL) GROUP BY phone) c ON c.phone = h.phone
            WHERE h.error IS NULL
            ORDER BY h.first_line
        """, [sequence])
        created = cursor.rowcount
        try:
            # A plain INSERT (no ON CONFLICT: no speculative insertion per row); an order that another writer
            # created since the DELETE above makes it fail, and the orders are then picked again.
            with transaction.atomic():
                cursor.execute(f"""
                    INSERT INTO {order_table} (id, number, customer_id, shop, status, total_amount, shipping_fee,
                                               payment_method, carrier, tracking_number, placed_at, paid_at,
                                               shipped_at, delivered_at, created_at, updated_at)
                    SELECT n.id, n.order_number, n.customer_id, n.shop, n.status,
                           coalesce(nullif(n.fee_text, '')::numeric, 0) + n.total, coalesce(nullif(n.fee_text, '')::numeric, 0),
                           n.payment_method, '', '', n.placed_text::timestamptz, n.placed_text::timestamptz,
                           nullif(n.shipped_text, '')::timestamptz, nullif(n.delivered_text, '')::timestamptz, now(),
                           now()
                    FROM order_stage_new n
                """)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    cursor.execute("ANALYZE order_stage_new")
    cursor.execute("""
        INSERT INTO orders_orderitem (order_id, sku, name, spec, quantity, unit_price)
        SELECT n.id, btrim(s.sku), btrim(s.item_name), btrim(coalesce(s.spec, '')), btrim(s.quantity)::int,
               round(btrim(s.unit_price)::numeric, 2)
        FROM order_stage s
        JOIN order_stage_new n ON n.order_number = btrim(s.order_number)
    """)
    return created, skipped
