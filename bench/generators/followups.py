"""Volumes of the follow-up sweep: 100,000 customers and a million delivered orders, 10,000 of them newly due.

The sweep writes, so it is timed by its own command (``python -m bench followup-sweep``).
"""

from django.db import connection, transaction

ORDERS = 1_000_000
DUE = 10_000
CUSTOMERS = 100_000
ORDER_PREFIX = "FUB"


def orders_generated_count() -> int:
    """Return 1 once the delivered orders are generated in this database, else 0."""
    from orders.models import Order

    return Order.objects.filter(number=f"{ORDER_PREFIX}{ORDERS:07d}").count()


def orders_generate(*, total: int = ORDERS, due: int = DUE, progress=None) -> None:
    """Insert customers (phones 191…) and `total` delivered orders; `due` of them delivered 7–37 days ago.

    The others were delivered 38–1,000 days ago (before the look-back window) or in the last 7 days
    (not due yet), so exactly `due` orders are newly due for the shipped delivery + 7 days rule.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # New archives without tags: they have no tag rows to write.
        cursor.execute(
            """
            INSERT INTO customers_customer (name, phone, email, city, level, tags, source, birthday, notes,
                has_marketing_consent, has_survey_consent, review_status, created_at, updated_at)
            SELECT '回访基准' || i, '191' || lpad(i::text, 8, '0'), 'fu' || i || '@bench.example.com', '上海', 'normal',
                   '[]'::jsonb, '天猫旗舰店', NULL, '', false, true, 'none', now(), now()
            FROM generate_series(1, %(n)s) AS i
            """, {"n": CUSTOMERS})
        cursor.execute("SELECT min(id) FROM customers_customer WHERE phone = '19100000001'")
        first = cursor.fetchone()[0]
    batch = 200_000
    for start in range(1, total + 1, batch):
        end = min(start + batch - 1, total)
        with transaction.atomic(), connection.cursor() as cursor:
            # i <= due: 7–37 days ago, spread evenly; the rest alternate between old and not yet due.
            cursor.execute(
                """
                INSERT INTO orders_order (number, customer_id, shop, status, total_amount, shipping_fee, payment_method,
                    carrier, tracking_number, placed_at, delivered_at, created_at, updated_at)
                SELECT %(p)s || lpad(i::text, 7, '0'), %(first)s + (i %% %(c)s), '天猫旗舰店', 'delivered', 99, 0, 'alipay',
                       '', '', d - interval '2 days', d, now(), now()
                FROM (SELECT i, CASE
                        WHEN i <= %(due)s THEN now() - interval '7 days' - make_interval(secs => (i * 2591.0 / %(due)s) * 1000)
                        WHEN i %% 50 = 0 THEN now() - make_interval(secs => (i %% 600000))
                        ELSE now() - interval '38 days' - make_interval(secs => (i %% 962) * 86400 + i %% 86400) END AS d
                      FROM generate_series(%(start)s, %(end)s) AS i) AS g
                """,
                {"p": ORDER_PREFIX, "first": first, "c": CUSTOMERS, "due": due, "start": start, "end": end},
            )
        progress and progress("orders", end, total)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order; ANALYZE customers_customer")
