"""Order import on PostgreSQL: COPY the raw CSV into a staging table, then check and write it with set-based SQL.

Python never parses the rows: COPY reads the file, one ``DISTINCT ON`` query makes one line per order
with its first bad row (if any), and three ``INSERT … SELECT`` statements write the missing customers,
the orders (``ON CONFLICT (number) DO NOTHING``: orders already present are skipped) and their items.
Everything runs in one transaction: a failure leaves nothing behind. Progress is reported after each
phase (read, checked, written): the caller's progress callback may write to the database, which it
cannot do while COPY holds the connection. The rules are those of
``orders.importing.orders_parse``; an order with any bad row is refused whole and reported.
"""

from django.conf import settings
from django.db import connection, transaction

from orders.importing import COLUMNS, MAX_ERRORS, REQUIRED, STATUSES, ImportFileError
from orders.models import Order

# Accepted text forms (checked before any cast, so a bad value is a reported row and not an SQL error).
TIMESTAMP = (r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?)?"
             r"(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?$")
MONEY = r"^\d{1,10}(\.\d+)?$"
QUANTITY = r"^\d{1,9}$"


def staged_import_possible(file, name: str) -> bool:
    """Return whether this upload can take the staged path: a CSV on PostgreSQL."""
    return connection.vendor == "postgresql" and not name.lower().endswith(".xlsx") and hasattr(file, "read")


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
        cursor.execute("DROP TABLE IF EXISTS pg_temp.order_stage, pg_temp.order_stage_head, pg_temp.order_stage_made")
        columns = ", ".join(f'"{c}" text' for c in known)
        cursor.execute(f"CREATE TEMP TABLE order_stage (line bigint GENERATED ALWAYS AS IDENTITY, {columns})")
        try:
            cursor.cursor.copy_expert(
                f"COPY order_stage ({', '.join(chr(34) + c + chr(34) for c in known)}) FROM STDIN WITH (FORMAT csv)", file)
        except Exception as exc:  # a broken CSV or bad encoding: COPY names the line
            from django.db import DataError, DatabaseError

            if isinstance(exc, (DataError, DatabaseError)) or exc.__class__.__module__.startswith("psycopg2"):
                raise ImportFileError(f"the file cannot be read: {str(exc).splitlines()[0]}") from None
            raise
        missing = [c for c in COLUMNS if c not in known]
        for column in missing:
            cursor.execute(f'ALTER TABLE order_stage ADD COLUMN "{column}" text')
        cursor.execute("ANALYZE order_stage")  # temporary tables are never analyzed by autovacuum
        cursor.execute("SELECT count(*) FROM order_stage")
        result["rows"] = cursor.fetchone()[0]
        progress and progress({**result, "phase": "checking"})
        _check(cursor)
        cursor.execute("SELECT count(*) FILTER (WHERE error IS NOT NULL) FROM order_stage_head")
        result["refused"] = cursor.fetchone()[0]
        cursor.execute("SELECT order_number, error FROM order_stage_head WHERE error IS NOT NULL ORDER BY first_line LIMIT %s",
                       [MAX_ERRORS])
        result["errors"] = [{"order_number": number, "error": error} for number, error in cursor.fetchall()]
        progress and progress({**result, "phase": "writing"})
        result["created"], result["skipped"] = _write(cursor)
        cursor.execute("DROP TABLE order_stage, order_stage_head, order_stage_made")
    progress and progress(result)
    return result


def _check(cursor) -> None:
    """Make order_stage_head: one line per order (its first row's fields), the first bad row as its error."""
    trim = {c: f'btrim(coalesce(s."{c}", \'\'))' for c in COLUMNS}
    statuses = "ARRAY[" + ", ".join(f"'{s}'" for s in sorted(STATUSES)) + "]"
    # The reason a row is bad, or NULL; the order's first row is also checked for the order's own fields.
    item_error = f"""
        CASE
          WHEN {trim['sku']} = '' OR {trim['item_name']} = '' THEN 'sku and item_name are required'
          WHEN {trim['quantity']} !~ '{QUANTITY}' THEN 'a quantity of at least 1 is required, not ' || quote_literal({trim['quantity']})
          WHEN {trim['quantity']}::bigint < 1 THEN 'a quantity of at least 1 is required, not ' || quote_literal({trim['quantity']})
          WHEN {trim['unit_price']} !~ '{MONEY}' THEN 'a unit price ≥ 0 is required, not ' || quote_literal({trim['unit_price']})
          WHEN length({trim['sku']}) > 64 OR length({trim['item_name']}) > 128 OR length({trim['spec']}) > 128
            THEN 'sku, item_name or spec is too long'
        END"""
    # The first row of each order (a hash aggregate, no sort), then the checks on those rows only.
    cursor.execute(f"""
        CREATE TEMP TABLE order_stage_head AS
        SELECT {trim['order_number']} AS order_number, s.line AS first_line,
               {trim['customer_phone']} AS phone, {trim['customer_name']} AS customer_name, {trim['status']} AS status,
               {trim['placed_at']} AS placed_text, {trim['delivered_at']} AS delivered_text, {trim['shop']} AS shop,
               {trim['payment_method']} AS payment_method, {trim['shipping_fee']} AS fee_text,
               CASE
                 WHEN {trim['order_number']} = '' OR {trim['customer_phone']} = '' THEN 'order_number and customer_phone are required'
                 WHEN NOT ({trim['status']} = ANY({statuses})) THEN 'unknown status ' || quote_literal({trim['status']})
                 WHEN {trim['placed_at']} = '' THEN 'placed_at is required'
                 WHEN {trim['placed_at']} !~ '{TIMESTAMP}' THEN 'placed_at is not a date and time: ' || quote_literal({trim['placed_at']})
                 WHEN {trim['delivered_at']} <> '' AND {trim['delivered_at']} !~ '{TIMESTAMP}'
                   THEN 'delivered_at is not a date and time: ' || quote_literal({trim['delivered_at']})
                 WHEN {trim['shipping_fee']} <> '' AND {trim['shipping_fee']} !~ '{MONEY}'
                   THEN 'shipping_fee is not an amount: ' || quote_literal({trim['shipping_fee']})
                 WHEN length({trim['order_number']}) > 40 OR length({trim['customer_phone']}) > 32
                   OR length({trim['shop']}) > 64 OR length({trim['payment_method']}) > 32
                   THEN 'order_number, customer_phone, shop or payment_method is too long'
               END AS error
        FROM order_stage s
        JOIN (SELECT min(line) AS line FROM order_stage GROUP BY btrim(order_number)) f ON f.line = s.line
    """)
    cursor.execute("ANALYZE order_stage_head")
    # The first bad item row of each order (in file order) refuses the whole order.
    cursor.execute(f"""
        UPDATE order_stage_head h SET error = bad.error
        FROM (SELECT DISTINCT ON (order_number) {trim['order_number']} AS order_number,
                     'row ' || (s.line + 1) || ': ' || {item_error} AS error
              FROM order_stage s WHERE ({item_error}) IS NOT NULL ORDER BY order_number, s.line) bad
        WHERE h.order_number = bad.order_number AND h.error IS NULL
    """)
    cursor.execute("UPDATE order_stage_head SET error = 'row ' || (first_line + 1) || ': ' || error "
                   "WHERE error IS NOT NULL AND error NOT LIKE 'row %%'")
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
        UPDATE order_stage_head SET error = 'row ' || (first_line + 1) || ': placed_at or delivered_at is not a real date'
        WHERE error IS NULL AND (substr(placed_text, 9, 2) > '28' AND pg_temp.order_stage_time(placed_text) IS NULL
              OR substr(delivered_text, 9, 2) > '28' AND pg_temp.order_stage_time(delivered_text) IS NULL)
    """)
    cursor.execute("ANALYZE order_stage_head")


def _write(cursor) -> tuple[int, int]:
    """Write missing customers, the new orders and their items; return (created, skipped as already present)."""
    order_table = Order._meta.db_table
    cursor.execute(f"""
        DELETE FROM order_stage_head h WHERE h.error IS NULL AND EXISTS (SELECT 1 FROM {order_table} o WHERE o.number = h.order_number)
    """)
    skipped = cursor.rowcount
    # Customers by phone: the oldest archive with that primary phone, else a new one (named as in the file).
    cursor.execute("""
        INSERT INTO customers_customer (name, phone, email, city, level, tags, source, notes, has_marketing_consent,
                                        has_survey_consent, review_status, created_at, updated_at)
        SELECT DISTINCT ON (h.phone) left(coalesce(nullif(h.customer_name, ''), h.phone), 64), h.phone, '', '', 'normal',
               '[]'::jsonb, h.shop, '', false, true, 'none', now(), now()
        FROM order_stage_head h
        WHERE h.error IS NULL AND NOT EXISTS (SELECT 1 FROM customers_customer c WHERE c.phone = h.phone)
        ORDER BY h.phone, h.first_line
    """)
    cursor.execute("CREATE TEMP TABLE order_stage_made (id bigint, number text)")
    # File order: numbers and ids go into their indexes in order (appending), not at random pages.
    cursor.execute(f"""
        WITH made AS (
        INSERT INTO {order_table} (number, customer_id, shop, status, total_amount, shipping_fee, payment_method, carrier,
                                   tracking_number, placed_at, paid_at, delivered_at, created_at, updated_at)
        SELECT h.order_number, c.id, h.shop, h.status,
               coalesce(nullif(h.fee_text, '')::numeric, 0) + t.total, coalesce(nullif(h.fee_text, '')::numeric, 0),
               h.payment_method, '', '', h.placed_text::timestamptz, h.placed_text::timestamptz,
               nullif(h.delivered_text, '')::timestamptz, now(), now()
        FROM order_stage_head h
        JOIN (SELECT phone, min(id) AS id FROM customers_customer
              WHERE phone IN (SELECT phone FROM order_stage_head WHERE error IS NULL) GROUP BY phone) c ON c.phone = h.phone
        JOIN (SELECT g.order_number, sum(round(btrim(s.unit_price)::numeric, 2) * btrim(s.quantity)::bigint) AS total
              FROM order_stage s JOIN order_stage_head g ON g.order_number = btrim(s.order_number) AND g.error IS NULL
              GROUP BY 1) t ON t.order_number = h.order_number
        WHERE h.error IS NULL
        ORDER BY h.first_line
        ON CONFLICT (number) DO NOTHING
        RETURNING id, number)
        INSERT INTO order_stage_made SELECT id, number FROM made
    """)
    created = cursor.rowcount
    cursor.execute("ANALYZE order_stage_made")
    cursor.execute(f"""
        INSERT INTO orders_orderitem (order_id, sku, name, spec, quantity, unit_price)
        SELECT o.id, btrim(s.sku), btrim(s.item_name), btrim(coalesce(s.spec, '')), btrim(s.quantity)::int,
               round(btrim(s.unit_price)::numeric, 2)
        FROM order_stage s
        JOIN order_stage_made o ON o.number = btrim(s.order_number)
        ORDER BY s.line
    """)
    return created, skipped
