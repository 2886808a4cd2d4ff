"""Volumes of the KPI cases: a fact for every generated ticket, spread over the last 90 days, and 200 agents."""

from django.db import connection


def facts_generate() -> int:
    """Insert a synthetic fact, created within the last 90 days, for every ticket newer than the last one measured."""
    agents = agents_ensure()
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


def agents_ensure(count: int = 200) -> list[int]:
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
