"""Realistic volumes for `make bench`: customers and tickets with messages, inserted by SQL."""

from django.db import connection

from customers.models import Customer
from helpdesk.models import Team, User
from tickets.models import Category, Ticket

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞辉林建国文斌宇浩凯鑫晨欣怡雪梅琳"
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "苏州", "天津"]
SUBJECTS = ["物流一直没有更新", "收到的商品有破损", "申请七天无理由退货", "发票怎么开", "尺码不合适想换货",
            "退款什么时候到账", "优惠券无法使用", "商品与描述不符", "快递员态度差", "催发货"]
LINES = ["你好，在吗？", "我的订单什么时候能到？", "客服您好，这个问题麻烦尽快处理。", "好的，谢谢。",
         "您好，已为您查询，包裹预计明天送达。", "非常抱歉给您带来不便，我们马上为您处理。"]


def generate(*, customers: int, tickets: int, messages_per_ticket: int, seed: int = 42, progress=None) -> dict:
    """Insert generated rows inside PostgreSQL with generate_series; report progress as (what, done, total).

    Minutes for millions of rows, where model objects take an hour.
    """
    teams = list(Team.objects.values_list("id", flat=True)) or [Team.objects.create(name="生成团队", code="generated").pk]
    agents = list(User.objects.filter(groups__name="Agent").values_list("id", flat=True))
    categories = list(Category.objects.values_list("id", flat=True))
    chunk = 100_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        start = Customer.objects.count()
        # New archives without tags: they have no tag rows to write.
        cursor.execute(
            """
            INSERT INTO customers_customer (name, phone, email, city, level, tags, source, created_at, updated_at,
                                            notes, has_marketing_consent, has_survey_consent, review_status)
            SELECT substr(%(surnames)s, 1 + floor(random() * length(%(surnames)s))::int, 1)
                   || substr(%(given)s, 1 + floor(random() * length(%(given)s))::int, 1),
                   '1' || (ARRAY['3','5','7','8'])[1 + floor(random() * 4)::int] || lpad((%(start)s + g)::text, 9, '0'),
                   'c' || (%(start)s + g) || '@example.com',
                   (%(cities)s::text[])[1 + floor(random() * %(ncities)s)::int],
                   CASE WHEN random() < 0.9 THEN 'normal' WHEN random() < 0.8 THEN 'vip' ELSE 'svip' END,
                   '[]'::jsonb, '', now() - random() * interval '400 days', now(),
                   '', false, true, %(review_status)s
            FROM generate_series(1, %(n)s) g
            """,
            {"surnames": SURNAMES, "given": GIVEN, "start": start, "cities": CITIES, "ncities": len(CITIES), "n": customers,
             "review_status": Customer._meta.get_field("review_status").default},
        )
        progress and progress("customers", customers, customers)
        cursor.execute("SELECT min(id), max(id) FROM customers_customer")
        low, high = cursor.fetchone()
        cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        (last_ticket,) = cursor.fetchone()
        start_ticket = Ticket.objects.count()
        for done in range(0, tickets, chunk):
            size = min(chunk, tickets - done)
            cursor.execute(
                """
                INSERT INTO tickets_ticket (number, subject, description, kind, channel, status, priority, category_id,
                    customer_id, team_id, assignee_id, created_at, updated_at)
                SELECT 'G' || lpad((%(start)s + g)::text, 10, '0'),
                       (%(subjects)s::text[])[1 + floor(random() * %(nsubjects)s)::int], '',
                       (%(kinds)s::text[])[1 + floor(random() * %(nkinds)s)::int],
                       (%(channels)s::text[])[1 + floor(random() * %(nchannels)s)::int],
                       (%(statuses)s::text[])[1 + floor(random() * %(nstatuses)s)::int],
                       CASE WHEN r < 0.1 THEN 'low' WHEN r < 0.8 THEN 'normal' WHEN r < 0.95 THEN 'high' ELSE 'urgent' END,
                       (%(categories)s::int[])[1 + floor(random() * %(ncategories)s)::int],
                       %(low)s + floor(random() * (%(high)s - %(low)s + 1))::int,
                       (%(teams)s::int[])[1 + floor(random() * %(nteams)s)::int],
                       (%(agents)s::int[])[1 + floor(random() * (%(nagents)s + 1))::int],
                       created, created + random() * interval '10 hours'
                FROM (SELECT g, random() AS r, now() - random() * interval '365 days' AS created
                      FROM generate_series(%(from)s, %(to)s) g) s
                """,
                {"start": start_ticket, "subjects": SUBJECTS, "nsubjects": len(SUBJECTS),
                 "kinds": list(Ticket.Kind.values), "nkinds": len(Ticket.Kind.values),
                 "channels": list(Ticket.Channel.values), "nchannels": len(Ticket.Channel.values),
                 "statuses": list(Ticket.Status.values), "nstatuses": len(Ticket.Status.values),
                 "categories": categories or [None], "ncategories": max(len(categories), 1),
                 "low": low, "high": high, "teams": teams, "nteams": len(teams),
                 "agents": agents or [None], "nagents": len(agents), "from": done + 1, "to": done + size},
            )
            progress and progress("tickets", done + size, tickets)
        if messages_per_ticket:
            cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
            (top,) = cursor.fetchone()
            for first in range(last_ticket + 1, top + 1, chunk):
                cursor.execute(
                    """
                    INSERT INTO tickets_ticketmessage (ticket_id, sender, author_id, is_internal, body, created_at)
                    SELECT t.id, CASE WHEN m %% 2 = 0 THEN 'customer' ELSE 'agent' END, NULL, false,
                           (%(lines)s::text[])[1 + floor(random() * %(nlines)s)::int], t.created_at + m * interval '1 minute'
                    FROM tickets_ticket t CROSS JOIN generate_series(0, %(k)s - 1) m
                    WHERE t.id BETWEEN %(first)s AND %(last)s
                    """,
                    {"lines": LINES, "nlines": len(LINES), "k": messages_per_ticket, "first": first, "last": first + chunk - 1},
                )
                progress and progress("messages", min(first + chunk - 1, top) - last_ticket, top - last_ticket)
    return {"customers": customers, "tickets": tickets, "messages": tickets * messages_per_ticket}
