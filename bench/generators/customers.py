"""Volumes of the customer archive: a million archives with contacts, one customer with 500 events, import files."""

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from customers.models import Customer, CustomerContact
from customers.services import customer_tags_sync

BENCH_CUSTOMERS = 1_000_000
BENCH_EMAIL_DOMAIN = "bench.example.com"
TIMELINE_PHONE = "19999999999"
SEARCH_PHONE = "19000123456"  # customer number 123456 of the generated million
SEARCH_EMAIL = f"b654321@{BENCH_EMAIL_DOMAIN}"


def customers_generated_count() -> int:
    """Return 1 once the million archives are generated in this database, else 0."""
    return CustomerContact.objects.filter(normalized=f"b{BENCH_CUSTOMERS}@{BENCH_EMAIL_DOMAIN}").count()


def customers_generate(*, total: int = BENCH_CUSTOMERS, progress=None) -> None:
    """Insert `total` archives (phones 190…, e-mails b<n>@bench.example.com) and their contacts, in SQL batches."""
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞辉林建国文斌宇浩凯鑫晨欣怡雪梅琳"
    batch = 100_000
    for start in range(1, total + 1, batch):
        end = min(start + batch - 1, total)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                WITH new AS (
                INSERT INTO customers_customer (name, phone, email, city, level, tags, source, birthday, notes,
                    has_marketing_consent, has_survey_consent, review_status, created_at, updated_at)
                SELECT substr(%(s)s, 1 + i %% char_length(%(s)s), 1) || substr(%(g)s, 1 + (i / 7) %% char_length(%(g)s), 1),
                       '190' || lpad(i::text, 8, '0'), 'b' || i || '@' || %(d)s,
                       (ARRAY['上海','北京','广州','深圳','杭州','成都'])[1 + i %% 6],
                       CASE WHEN i %% 50 = 0 THEN 'svip' WHEN i %% 10 = 0 THEN 'vip' ELSE 'normal' END,
                       CASE WHEN i %% 20 = 0 THEN '["多次投诉"]'::jsonb ELSE '[]'::jsonb END,
                       '天猫旗舰店', NULL, '', false, true, 'none',
                       now() - make_interval(secs => (%(total)s - i) * 30), now()
                FROM generate_series(%(start)s, %(end)s) AS i
                RETURNING id)
                SELECT min(id), max(id) FROM new
                """,
                {"s": surnames, "g": given, "d": BENCH_EMAIL_DOMAIN, "start": start, "end": end, "total": total},
            )
            low, high = cursor.fetchone()
            customer_tags_sync(customer_ids=Customer.objects.filter(pk__range=(low, high)).values("pk"))
            cursor.execute(
                """
                INSERT INTO customers_customercontact (customer_id, kind, value, normalized, is_primary, created_at)
                SELECT id, k.kind, CASE k.kind WHEN 'phone' THEN phone ELSE email END,
                       CASE k.kind WHEN 'phone' THEN phone ELSE email END, true, created_at
                FROM customers_customer CROSS JOIN (VALUES ('phone'), ('email')) AS k(kind)
                WHERE email LIKE %(like)s AND phone BETWEEN %(low)s AND %(high)s
                """,
                {"like": f"%@{BENCH_EMAIL_DOMAIN}", "low": f"190{start:08d}", "high": f"190{end:08d}"},
            )
        progress and progress("customers", end, total)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer; ANALYZE customers_customercontact")


RARE_OLD_TAG = "旧客户"


def skewed_tags_add() -> None:
    """Give the 5,000 oldest generated archives a tag no newer archive has (a rare tag, all at the old end), once."""
    if Customer.objects.filter(tags__contains=[RARE_OLD_TAG]).exists():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM customers_customer WHERE email LIKE %s", [f"%@{BENCH_EMAIL_DOMAIN}"])
        low = cursor.fetchone()[0] or 1
        cursor.execute("UPDATE customers_customer SET tags = tags || %s::jsonb WHERE id BETWEEN %s AND %s",
                       [f'["{RARE_OLD_TAG}"]', low, low + 4999])
        customer_tags_sync(customer_ids=Customer.objects.filter(pk__range=(low, low + 4999)).values("pk"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")


def timeline_customer(*, events: int = 500) -> Customer:
    """Return the customer with a 500-event timeline (orders, tickets, messages), creating it once."""
    from helpdesk.models import Team
    from orders.models import Order
    from tickets.models import Ticket, TicketMessage

    customer = Customer.objects.filter(phone=TIMELINE_PHONE).first()
    if customer is not None:
        return customer
    rng = random.Random(5)
    now = timezone.now()
    with transaction.atomic():
        customer = Customer.objects.create(name="基准客户", phone=TIMELINE_PHONE, email="timeline@bench.example.com",
                                           level="svip", tags=["高价值"])
        customer_tags_sync(customer_ids=[customer.pk])
        CustomerContact.objects.create(customer=customer, kind="phone", value=TIMELINE_PHONE, normalized=TIMELINE_PHONE,
                                       is_primary=True)
        team = Team.objects.first() or Team.objects.create(name="基准团队", code="bench")
        orders = events // 5
        Order.objects.bulk_create([
            Order(number=f"BENCHTL{i:06d}", customer=customer, total_amount=rng.randint(20, 2000),
                  placed_at=now - timedelta(hours=rng.randint(1, 24 * 365)))
            for i in range(orders)
        ])
        tickets = Ticket.objects.bulk_create([
            Ticket(number=f"TBENCH{i:06d}", subject="物流一直没有更新，电话 13800138000", customer=customer, team=team)
            for i in range(orders)
        ])
        TicketMessage.objects.bulk_create([
            TicketMessage(ticket=ticket, sender="customer" if m % 2 == 0 else "agent", body="你好，我的快递什么时候到？")
            for ticket in tickets for m in range(3)
        ])
    return customer


def import_csv(*, rows: int, offset: int, bad_every: int = 0) -> bytes:
    """Return a GBK CSV of `rows` fresh customers (phones 176…), every `bad_every`-th row invalid."""
    lines = ["姓名,手机,邮箱,城市,等级,标签,生日"]
    for i in range(rows):
        n = offset + i
        phone = "12345" if bad_every and i % bad_every == 0 else f"176{n % 10**8:08d}"
        lines.append(f"导入客户{n},{phone},imp{n}@import.example.com,上海,normal,高价值,1990-01-01")
    return ("\n".join(lines) + "\n").encode("gb18030")
