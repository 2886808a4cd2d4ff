"""Benchmark cases of the KPI summary: facts of every generated ticket, spread over the last 90 days."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from helpdesk.benchmarking import BenchCase

_ready: dict = {}


def bench_facts_generate() -> int:
    """Insert a synthetic fact, created within the last 90 days, for every ticket newer than the last one measured."""
    agents = bench_agents()
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO kpi_ticketfact (ticket_id, team_id, agent_id, customer_id, category_id, channel, kind,
                created_at, first_response_at, first_response_minutes, responses, response_minutes_total,
                agent_replies, resolved_at, is_reopened, is_first_contact_resolution, sla_first_response_met,
                sla_resolution_met, is_sla_excused, refreshed_at)
            SELECT id, team_id, (%(agents)s::bigint[])[1 + id %% %(nagents)s], customer_id, category_id, channel, kind, at,
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
        """, {"agents": agents, "nagents": len(agents)})
        inserted = cursor.rowcount
        cursor.execute("ANALYZE kpi_ticketfact")
    from kpi.services import fact_rollups_refresh_recent

    fact_rollups_refresh_recent(days=91)
    return inserted


def bench_agents(count: int = 200) -> list[int]:
    """Return the ids of 200 agents spread over the teams (created once), for per-agent reports and scorecards."""
    from django.contrib.auth.models import Group

    from helpdesk.models import Team, User

    have = list(User.objects.filter(username__startswith="kpi-bench-").order_by("pk").values_list("pk", flat=True))
    if len(have) < count:
        group, teams = Group.objects.get(name="Agent"), list(Team.objects.order_by("pk"))
        for n in range(len(have), count):
            user = User.objects.create(username=f"kpi-bench-{n:03d}", display_name=f"绩效客服{n:03d}")
            user.groups.add(group)
            teams[n % len(teams)].members.add(user)
            have.append(user.pk)
    return have


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


def _report_month():
    from kpi.models import Report
    from kpi.services import report_build

    today = timezone.localdate()
    report = Report.objects.create(kind=Report.Kind.EXPORT, date_from=today - dt.timedelta(days=29), date_to=today)
    report_build(report_id=report.pk)


def _rollup_day():
    from kpi.facts import BATCH, ticket_facts_refresh

    from kpi.rollups import fact_rollups_refresh

    ids = _data()["day_ids"]
    for start in range(0, len(ids), BATCH):
        ticket_facts_refresh(ticket_ids=ids[start:start + BATCH])
    fact_rollups_refresh(days={timezone.localdate()})


BENCH_CASES = [
    BenchCase("kpi: API summary, 30 days, all teams (1M facts over 90 days)", _summary_path, username="manager", repeat=20),
    BenchCase("kpi: API summary, 30 days, one supervisor's teams", _summary_path, username="supervisor", repeat=20),
    BenchCase("kpi: dashboard page, 30 days, all teams", lambda: _summary_path().replace("/api/v1/kpi/summary/", "/kpi/"),
              username="manager", repeat=10),
    BenchCase("kpi: 30-day report XLSX + CSV, 200 agents (in the worker)", "", call=_report_month, repeat=2),
    BenchCase("kpi: one day re-measured and rolled up (11,111 tickets, 5 messages each)", "", call=_rollup_day, repeat=2),
]
