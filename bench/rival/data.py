"""django-helpdesk's data for the bench: queues, staff, tickets with follow-ups in bulk, and two threads to open.

Shaped like ours (``bench/generators/tickets.py``): a customer e-mail for every ten tickets, five follow-ups
a ticket (customer and agent in turn, one in five internal), the same message text.
"""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from helpdesk.models import FollowUp, Queue, Ticket, TicketChange

QUEUES = ["售前咨询", "订单与物流", "退换货", "售后维修", "投诉建议"]
AGENTS = 10
BATCH = 100_000
THREAD_TITLE = "基准测试：{} 条跟进的会话"
BODY = "第 {} 条消息：您好，请问订单什么时候发货？"


def staff_ensure() -> None:
    """Create the queues and the staff (``agent`` opens the pages) once."""
    User = get_user_model()
    for title in QUEUES:
        if not Queue.objects.filter(title=title).exists():
            Queue.objects.create(title=title, slug=f"q{QUEUES.index(title) + 1}", email_address="support@example.com")
    for i in range(AGENTS):
        username = "agent" if i == 0 else f"agent{i}"
        if not User.objects.filter(username=username).exists():
            User.objects.create_user(username, f"{username}@example.com", "bench-agent-password", is_staff=True,
                                     first_name=f"客服{i}")


def tickets_generate(*, tickets: int, followups_per_ticket: int = 5, progress=None) -> None:
    """Insert tickets up to ``tickets`` in SQL batches, each with its follow-ups, then ANALYZE."""
    queues = list(Queue.objects.order_by("id").values_list("id", flat=True))
    agents = list(get_user_model().objects.filter(is_staff=True).order_by("id").values_list("id", flat=True))
    customers = max(1000, tickets // 10)
    have = Ticket.objects.count()
    while have < tickets:
        size = min(BATCH, tickets - have)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO helpdesk_ticket (title, created, modified, submitter_email, status, on_hold, description,
                                             priority, assigned_to_id, queue_id, secret_key)
                SELECT '订单 ' || g || ' 什么时候发货？', now() - (g %% 90) * interval '1 day',
                       now() - (g %% 90) * interval '1 day' + interval '3 hours',
                       'customer' || (g %% %(customers)s) || '@example.com', 1 + g %% 4, false,
                       '您好，请问订单 ' || g || ' 什么时候发货？', 1 + g %% 5,
                       CASE WHEN g %% 3 = 0 THEN NULL ELSE (%(agents)s::int[])[1 + g %% %(n_agents)s] END,
                       (%(queues)s::int[])[1 + g %% %(n_queues)s], gen_random_uuid()::text
                FROM generate_series(%(first)s, %(last)s) AS g
                RETURNING id
                """,
                {"customers": customers, "agents": agents, "n_agents": len(agents), "queues": queues,
                 "n_queues": len(queues), "first": have + 1, "last": have + size})
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                """
                INSERT INTO helpdesk_followup (date, title, comment, public, ticket_id, user_id)
                SELECT t.created + k * interval '30 minutes',
                       CASE WHEN k %% 2 = 1 THEN '收到客户邮件' ELSE '评论' END,
                       '第 ' || k || ' 条消息：您好，请问订单什么时候发货？', k %% 5 <> 0, t.id,
                       CASE WHEN k %% 2 = 1 THEN NULL ELSE t.assigned_to_id END
                FROM helpdesk_ticket t CROSS JOIN generate_series(1, %(per)s) AS k
                WHERE t.id BETWEEN %(low)s AND %(high)s
                """,
                {"per": followups_per_ticket, "low": min(ids), "high": max(ids)})
        have += size
        if progress:
            progress(have, tickets)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def thread_ticket(followups: int) -> Ticket:
    """Return the ticket with a thread of ``followups`` follow-ups, creating it once.

    Customer and agent write in turn; every tenth is internal, and every twelfth agent reply also
    changes the ticket (status, priority or owner), as django-helpdesk records such changes.
    """
    title = THREAD_TITLE.format(followups)
    ticket = Ticket.objects.filter(title=title).first()
    if ticket is not None:
        return ticket
    User = get_user_model()
    agent, colleague = User.objects.get(username="agent"), User.objects.get(username="agent1")
    with transaction.atomic():
        ticket = Ticket.objects.create(title=title, queue=Queue.objects.order_by("id").first(),
                                       submitter_email="customer7@example.com", assigned_to=agent,
                                       description=BODY.format(0), priority=3, status=Ticket.OPEN_STATUS)
        start = timezone.now() - timezone.timedelta(days=3)
        rows = FollowUp.objects.bulk_create([
            FollowUp(ticket=ticket, date=start + timezone.timedelta(minutes=20 * i),
                     title="收到客户邮件" if i % 2 == 0 else "评论", comment=BODY.format(i + 1),
                     public=i % 10 != 9, user=None if i % 2 == 0 else agent,
                     new_status=Ticket.REOPENED_STATUS if i % 12 == 11 else None)
            for i in range(followups)
        ])
        changes = [("status", "Open", "Reopened"), ("priority", "3", "2"), ("owner", agent.username, colleague.username)]
        TicketChange.objects.bulk_create([
            TicketChange(followup=followup, field=changes[n % 3][0], old_value=changes[n % 3][1],
                         new_value=changes[n % 3][2])
            for n, followup in enumerate(row for i, row in enumerate(rows) if i % 12 == 11)
        ])
    return ticket


def data_size() -> str:
    """Return the volume the pages ran against, as our rows name it."""
    return f"{Ticket.objects.count():,} tickets, {FollowUp.objects.count():,} follow-ups"
