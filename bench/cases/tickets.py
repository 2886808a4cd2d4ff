"""Benchmark cases of the inbox, the ticket page and the ticket API, on the generated tickets."""

from functools import cache

from bench.floors import FLOOR_SERIALIZER, FLOOR_TEMPLATE, floor_serializer, floor_template
from bench.timing import BenchCase

THREAD_SUBJECT = "基准测试：50 条消息的会话"


THREAD_MESSAGES = 50
REPLY_SUBJECT = "基准测试：回复用的会话"


def _agent_ticket(subject: str, messages: int):
    """Return the ticket of the agent's team with this subject, creating it once with a thread of that length."""
    from helpdesk.models import Team, User
    from tickets.models import Ticket, TicketMessage
    from tickets.services import ticket_create

    ticket = Ticket.objects.filter(subject=subject).first()
    if ticket is None:
        agent = User.objects.get(username="agent")
        team = Team.objects.filter(members=agent).order_by("id").first()
        customer = Ticket.objects.filter(team=team).order_by("id").first().customer
        ticket = ticket_create(actor=agent, customer=customer, team=team, subject=subject, assignee=agent)
        TicketMessage.objects.bulk_create([
            TicketMessage(ticket=ticket, sender="customer" if i % 2 == 0 else "agent", author=None if i % 2 == 0 else agent,
                          body=f"第 {i + 1} 条消息：您好，请问订单什么时候发货？", is_internal=i % 10 == 9)
            for i in range(messages)
        ])
    return ticket


@cache
def _thread_ticket_id() -> int:
    """Return a ticket of the agent's team with a 50-message thread and the history of its creation only.

    A thread that older runs made longer (replies posted to it, with their events) is renamed and made anew, so
    every run measures the same page.
    """
    from django.db.models import Count, Max

    from tickets.models import Ticket, TicketEvent

    ticket = _agent_ticket(THREAD_SUBJECT, THREAD_MESSAGES)
    thread = ticket.messages.aggregate(n=Count("pk"), last=Max("created_at"))
    if thread["n"] != THREAD_MESSAGES or TicketEvent.objects.filter(ticket=ticket, created_at__gt=thread["last"]).exists():
        Ticket.objects.filter(pk=ticket.pk).update(subject=f"{THREAD_SUBJECT}（旧）")
        ticket = _agent_ticket(THREAD_SUBJECT, THREAD_MESSAGES)
    return ticket.pk


@cache
def _reply_ticket_id() -> int:
    """Return the ticket the reply case posts to: its own, so the measured thread keeps its length."""
    return _agent_ticket(REPLY_SUBJECT, 2).pk


@cache
def _sample() -> dict:
    """Return a ticket number and a customer phone the agent may search for."""
    from helpdesk.models import Team
    from tickets.models import Ticket

    team = Team.objects.filter(members__username="agent").order_by("id").first()
    tickets = Ticket.objects.filter(team=team).select_related("customer").order_by("id")
    ticket = tickets[1000:1001].first() or tickets.last()
    return {"number": ticket.number, "phone": ticket.customer.phone}


BENCH_CASES = [
    BenchCase(FLOOR_TEMPLATE, "", call=floor_template),
    BenchCase(FLOOR_SERIALIZER, "", call=floor_serializer),
    BenchCase("inbox page (agent)", "/inbox/", floor=FLOOR_TEMPLATE),
    BenchCase("inbox page, status + priority filters", "/inbox/?status=open&priority=high", floor=FLOOR_TEMPLATE),
    BenchCase("inbox rows via htmx, view=mine", "/inbox/?view=mine", headers={"HX-Request": "true", "HX-Target": "ticket-rows"},
              floor=FLOOR_TEMPLATE),
    BenchCase("GET /api/v1/tickets/ page 1", "/api/v1/tickets/", floor=FLOOR_SERIALIZER),
    BenchCase("GET /api/v1/tickets/ page 1 (100 rows)", "/api/v1/tickets/?page_size=100"),
    BenchCase("GET /api/v1/tickets/ status + priority", "/api/v1/tickets/?status=open&priority=high",
              floor=FLOOR_SERIALIZER),
    BenchCase("GET /api/v1/tickets/ team + assignee=none", lambda: f"/api/v1/tickets/?team={_team_id()}&assignee=none"),
    BenchCase("search by ticket number", lambda: f"/api/v1/tickets/?q={_sample()['number']}"),
    BenchCase("search by phone", lambda: f"/api/v1/tickets/?q={_sample()['phone']}"),
    # The global search (top bar, command palette): every group the agent may open, first results only.
    BenchCase("global search by ticket number (palette JSON)", lambda: f"/search/?format=json&q={_sample()['number']}"),
    BenchCase("global search by phone, +86 and dashes (palette JSON)",
              lambda: f"/search/?format=json&q=%2B86%20{_sample()['phone'][:3]}-{_sample()['phone'][3:7]}-{_sample()['phone'][7:]}"),
    BenchCase("global search by words (HTML)", "/search/?q=%E4%BB%80%E4%B9%88%E6%97%B6%E5%80%99"),  # 什么时候
    BenchCase("ticket page, 50-message thread", lambda: f"/tickets/{_thread_ticket_id()}/", floor=FLOOR_TEMPLATE),
    BenchCase("GET /api/v1/tickets/{id}/", lambda: f"/api/v1/tickets/{_thread_ticket_id()}/", floor=FLOOR_SERIALIZER),
    BenchCase("GET /api/v1/tickets/{id}/messages/", lambda: f"/api/v1/tickets/{_thread_ticket_id()}/messages/",
              floor=FLOOR_SERIALIZER),
    BenchCase("POST a reply", lambda: f"/api/v1/tickets/{_reply_ticket_id()}/messages/", method="post",
              data={"body": "您好，已为您加急处理，请耐心等待。"}, expect=(201,), repeat=30),
]


@cache
def _team_id() -> int:
    from helpdesk.models import Team

    return Team.objects.filter(members__username="agent").order_by("id").first().pk


def data_size() -> str:
    from tickets.models import Ticket, TicketMessage

    return f"{Ticket.objects.count():,} tickets, {TicketMessage.objects.count():,} messages"
