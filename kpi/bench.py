"""Benchmark cases of the KPI summary: facts of every generated ticket, spread over the last 90 days."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from helpdesk.benchmarking import BenchCase

_ready: dict = {}


def bench_facts_generate() -> int:
    """Insert a synthetic fact, created within the last 90 days, for every ticket newer than the last one measured."""
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO kpi_ticketfact (ticket_id, team_id, agent_id, customer_id, category_id, channel, kind,
                created_at, first_response_at, first_response_minutes, responses, response_minutes_total,
                agent_replies, resolved_at, is_reopened, is_first_contact_resolution, sla_first_response_met,
                sla_resolution_met, is_sla_excused, refreshed_at)
            SELECT id, team_id, assignee_id, customer_id, category_id, channel, kind, at,
                   at + frt * interval '1 minute', frt, turns, turns * frt * 0.8, turns,
                   CASE WHEN r < 0.8 THEN at + interval '1 day' END, r < 0.05, r < 0.5,
                   r < 0.9, CASE WHEN r < 0.8 THEN r < 0.7 END, r > 0.995, now()
            FROM (
                -- random() in the select list of a subquery runs once per ticket (a LATERAL without
                -- outer references would run once for all of them).
                SELECT t.*, now() - random() * interval '90 days' AS at, random() AS r,
                       1 + floor(random() * 240) AS frt, 1 + floor(random() * 4)::int AS turns
                FROM tickets_ticket t
                WHERE t.id > (SELECT coalesce(max(ticket_id), 0) FROM kpi_ticketfact)
            ) g
        """)
        cursor.execute("ANALYZE kpi_ticketfact")
        return cursor.rowcount


def _data() -> dict:
    """Generate the facts once per database."""
    if not _ready:
        from kpi.models import TicketFact
        from tickets.models import Ticket

        if TicketFact.objects.count() < Ticket.objects.count():
            print("\n  Generating KPI facts…")
            bench_facts_generate()
        _ready["day_ids"] = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:11_111])
    return _ready


def _summary_path() -> str:
    _data()
    today = timezone.localdate()
    return f"/api/v1/kpi/summary/?date_from={today - dt.timedelta(days=29)}&date_to={today}"


def _rollup_day():
    from kpi.facts import BATCH, ticket_facts_refresh

    ids = _data()["day_ids"]
    for start in range(0, len(ids), BATCH):
        ticket_facts_refresh(ticket_ids=ids[start:start + BATCH])


BENCH_CASES = [
    BenchCase("kpi: API summary, 30 days, all teams (1M facts over 90 days)", _summary_path, username="manager", repeat=20),
    BenchCase("kpi: API summary, 30 days, one supervisor's teams", _summary_path, username="supervisor", repeat=20),
    BenchCase("kpi: facts of one day re-measured (11,111 tickets, 5 messages each)", "", call=_rollup_day, repeat=2),
]
