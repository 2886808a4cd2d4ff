"""Volumes of the KPI cases: a fact for every generated ticket, spread over the last 90 days, and 200 agents."""

from django.db import connection

from tickets.workflow import STEPS


def facts_generate() -> int:
    """Insert a synthetic fact, created within the last 90 days, for every ticket newer than the last one measured.

    A complaint also gets the business minutes of its seven steps (each 5 minutes to 2 days).
    """
    agents = agents_ensure()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(ticket_id), 0) FROM kpi_ticketfact")
        (last,) = cursor.fetchone()
        cursor.execute("""
            INSERT INTO kpi_ticketfact (ticket_id, team_id, agent_id, customer_id, category_id, channel, kind,
                created_at, first_response_at, first_response_minutes, responses, response_minutes_total,
                agent_replies, resolved_at, is_reopened, is_first_contact_resolution, sla_first_response_met,
                sla_resolution_met, is_sla_excused, steps_due, steps_on_time, refreshed_at)
            SELECT id, team_id, (%(agents)s::bigint[])[1 + id %% %(nagents)s], customer_id, category_id, channel, kind, at,
                   at + frt * interval '1 minute', frt, turns, turns * frt * 0.8, turns,
                   CASE WHEN r < 0.8 THEN at + interval '1 day' END, r < 0.05, r < 0.5,
                   r < 0.9, CASE WHEN r < 0.8 THEN r < 0.7 END, r > 0.995,
                   CASE WHEN kind = 'complaint' THEN 7 ELSE 0 END,
                   CASE WHEN kind = 'complaint' THEN 4 + floor(r * 4)::int ELSE 0 END, now()
            FROM (
                -- random() in the select list of a subquery runs once per ticket (a LATERAL without
                -- outer references would run once for all of them).
                SELECT t.*, now() - random() * interval '90 days' AS at, random() AS r,
                       1 + floor(random() * 240) AS frt, 1 + floor(random() * 4)::int AS turns
                FROM tickets_ticket t
                WHERE t.id > %(last)s
            ) g
        """, {"agents": agents, "nagents": len(agents), "last": last})
        inserted = cursor.rowcount
        cursor.execute("""
            INSERT INTO kpi_stepfact (fact_id, step, started_at, completed_at, business_minutes)
            SELECT ticket_id, step, created_at, created_at + m * interval '1 minute', m
            FROM (SELECT f.ticket_id, f.created_at, step, 5 + floor(random() * 2875) AS m
                  FROM kpi_ticketfact f CROSS JOIN unnest(%(steps)s::text[]) AS step
                  WHERE f.ticket_id > %(last)s AND f.kind = 'complaint') s
        """, {"steps": list(STEPS), "last": last})
        cursor.execute("ANALYZE kpi_ticketfact")
        cursor.execute("ANALYZE kpi_stepfact")
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


REVIEWS = 1_000_000
SHOPS = 300  # DOMAIN §1: an outsourced CS company serves ~300 shops
SKUS = 20_000


def _agents_and_teams() -> tuple[list[int], list[int]]:
    """Return the 200 bench agents and, at the same index, each one's team."""
    from helpdesk.models import Team

    agents = agents_ensure()
    membership = dict(Team.members.through.objects.filter(user_id__in=agents).values_list("user_id", "team_id"))
    return agents, [membership[agent] for agent in agents]


def reviews_generate(count: int = REVIEWS) -> int:
    """Insert shop reviews up to ``count`` with generate_series: 300 shops, 20,000 SKUs, the last 90 days.

    Ratings as shops see them (5★ 70 %, 4★ 12 %, 3★ 6 %, 2★ 5 %, 1★ 7 %); 60 % attributed to a bench agent
    and their team, the rest to nobody (no earlier ticket of the order).
    """
    from reviews.models import Review

    missing = count - Review.objects.count()
    if missing <= 0:
        return 0
    agents, teams = _agents_and_teams()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM reviews_review")
        (start,) = cursor.fetchone()
        cursor.execute("""
            INSERT INTO reviews_review (shop, platform_review_id, order_number, sku, rating, text, images, reviewed_at,
                agent_id, team_id, outcome, source, created_at, updated_at)
            SELECT '店铺' || lpad((1 + floor(random() * %(shops)s))::text, 3, '0'), 'B' || (%(start)s + g), '',
                   'SKU-' || lpad((1 + floor(power(random(), 2) * %(skus)s))::text, 5, '0'),
                   CASE WHEN r < 0.70 THEN 5 WHEN r < 0.82 THEN 4 WHEN r < 0.88 THEN 3 WHEN r < 0.93 THEN 2 ELSE 1 END,
                   '', '[]'::jsonb, at,
                   CASE WHEN a < %(nagents)s THEN (%(agents)s::bigint[])[1 + a] END,
                   CASE WHEN a < %(nagents)s THEN (%(teams)s::bigint[])[1 + a] END,
                   '', 'bench', at, at
            FROM (
                -- One agent index per review: 60 %% of them fall on an agent, the rest on nobody.
                SELECT g, random() AS r, now() - random() * interval '90 days' AS at,
                       floor(random() * %(nagents)s / 0.6)::int AS a
                FROM generate_series(1, %(n)s) g
            ) s
            ORDER BY at  -- in the order they were written, as a shop's reviews arrive: a day's reviews lie together
        """, {"shops": SHOPS, "skus": SKUS, "start": start, "agents": agents, "teams": teams,
              "nagents": len(agents), "n": missing})
        cursor.execute("ANALYZE reviews_review")
    import datetime as dt

    from django.utils import timezone

    from kpi.rollups import review_rollups_refresh

    today = timezone.localdate()
    review_rollups_refresh(days={today - dt.timedelta(days=n) for n in range(91)})
    return missing


def scorecards_generate(*, months: list, agents: int = 200) -> int:
    """Insert a scored monthly card for each of the 200 bench agents in each month that has none (SQL, once)."""
    from kpi.scorecards import scheme_active

    ids, teams = _agents_and_teams()
    ids, teams = ids[:agents], teams[:agents]
    scheme = scheme_active()
    inserted = 0
    with connection.cursor() as cursor:
        for month in months:
            cursor.execute("""
                INSERT INTO kpi_scorecard (month, agent_id, team_id, scheme_id, volume, indicators, system_score,
                    supervisor_comment, self_comment, final_score, is_service_star, computed_at)
                SELECT %(month)s, agent, team, %(scheme)s, 200 + floor(random() * 800)::int, '[]'::jsonb,
                       score, '', '', score, false, now()
                FROM (SELECT agent, team, round((2 + random() * 3)::numeric, 2) AS score
                      FROM unnest(%(agents)s::bigint[], %(teams)s::bigint[]) AS u(agent, team)) s
                ON CONFLICT (month, agent_id) DO NOTHING
            """, {"month": month, "scheme": scheme.pk, "agents": ids, "teams": teams})
            inserted += cursor.rowcount
        cursor.execute("ANALYZE kpi_scorecard")
    return inserted
