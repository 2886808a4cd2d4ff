"""Benchmark of follow-up visits: a million delivered orders, 10,000 of them newly due; the survey page.

The sweep writes, so it is timed by its own command (``manage.py bench_followup_sweep``); the cases here
are the pages read many times: the public survey page and the agent's follow-up list.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from helpdesk.benchmarking import BenchCase

BENCH_ORDERS = 1_000_000
BENCH_DUE = 10_000
BENCH_CUSTOMERS = 100_000
ORDER_PREFIX = "FUB"
_ready: dict = {}


def bench_orders_count() -> int:
    from orders.models import Order

    return Order.objects.filter(number=f"{ORDER_PREFIX}{BENCH_ORDERS:07d}").count()


def bench_orders_generate(*, total: int = BENCH_ORDERS, due: int = BENCH_DUE, progress=None) -> None:
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
            """, {"n": BENCH_CUSTOMERS})
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
                {"p": ORDER_PREFIX, "first": first, "c": BENCH_CUSTOMERS, "due": due, "start": start, "end": end},
            )
        progress and progress("orders", end, total)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order; ANALYZE customers_customer")


def _agent_visits() -> None:
    """Give the demo agent 60 visits to do (some overdue), once per database."""
    if "visits" in _ready:
        return
    from followups.models import FollowUpVisit
    from helpdesk.models import User

    agent = User.objects.get(username="agent")
    if not FollowUpVisit.objects.filter(assignee=agent).exists():
        ids = list(FollowUpVisit.objects.filter(status="pending", kind="call").order_by("pk").values_list("pk", flat=True)[:60])
        FollowUpVisit.objects.filter(pk__in=ids).update(assignee=agent, due_at=timezone.now() - dt.timedelta(hours=30))
    _ready["visits"] = True


def _survey_path() -> str:
    if "survey" not in _ready:
        from customers.models import Customer
        from followups import services, tokens

        customer = Customer.objects.order_by("pk").first()
        survey = services.survey_create(customer=customer, language="zh-hans")
        survey.expires_at = timezone.now() + dt.timedelta(days=3650)
        survey.save(update_fields=["expires_at"])
        _ready["survey"] = f"/s/{tokens.survey_token(survey)}/"
    return _ready["survey"]


BENCH_CASES = [
    BenchCase("followups: public survey page (anonymous)", _survey_path, username=None),
    BenchCase("followups: my follow-ups today (agent, 60 due)", lambda: _agent_visits() or "/follow-ups/"),
    BenchCase("followups: GET /api/v1/followups/?assignee=me", lambda: _agent_visits() or "/api/v1/followups/?assignee=me&status=pending"),
]
