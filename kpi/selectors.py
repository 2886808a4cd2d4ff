"""KPI reads: every figure is a SQL aggregate over ``TicketFact``, orders and returns, scoped to the viewer."""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import (
    Aggregate, Avg, Count, DurationField, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum,
)
from django.db.models.functions import ExtractHour, TruncDate
from django.urls import reverse
from django.utils import timezone

from followups.models import SurveyResponse
from helpdesk.models import Team, User
from helpdesk.teams import team_ids_for_user
from kpi.models.conduct import STRIKES
from kpi.policies import kpi_settings_get
from kpi.ranking import ranked
from kpi.models import (
    ConductRecord, FactDay, FactDayCategory, FactHour, PeriodScorecard, Report, ReviewDay, Scorecard, StepFact,
    TicketFact,
)
from kpi.aggregates import HistogramSum, histogram_from_sums
from kpi.histograms import GROUPS, group_buckets, histogram_of_groups, histogram_percentile, percentile_groups
from kpi.rollups import COMPLAINT, PRESALES, SUM_COLUMNS, fact_sums
from channels.models import PhoneCall
from orders.models import Order, ReturnRequest
from reviews.models import Review
from reviews.selectors import review_kpi_breakdown, review_kpi_totals, review_kpi_totals_from_ratings
from reviews.services import low_rating_threshold
from tickets.models import Category, Ticket, TicketStep
from tickets.workflow import STEPS


def kpi_team_ids_for_viewer(*, viewer) -> list[int] | None:
    """Return the team ids whose KPIs the viewer may read; None means every team (also for the system, viewer None)."""
    if viewer is None or viewer.has_perm("kpi.view_all_teams"):
        return None
    if not viewer.has_perm("kpi.view_dashboard"):
        return []
    return team_ids_for_user(user=viewer)


def kpi_teams_for_viewer(*, viewer) -> QuerySet[Team]:
    """Return the teams the viewer may pick in KPI filters."""
    scope = kpi_team_ids_for_viewer(viewer=viewer)
    teams = Team.objects.order_by("name")
    return teams if scope is None else teams.filter(pk__in=scope)


def day_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Return the aware instants that start ``date_from`` and end ``date_to`` in the current time zone."""
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(date_from, dt.time(), tzinfo=tz),
            dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=tz))


def _narrowed(rows: QuerySet, *, viewer, team=None, agent=None, channel: str = "",
              channel_field: str = "channel") -> QuerySet:
    """Return the rows of the viewer's teams, narrowed to a team, an agent and a channel when given."""
    scope = kpi_team_ids_for_viewer(viewer=viewer)
    if scope is not None:
        rows = rows.filter(team_id__in=scope)
    if team is not None:
        rows = rows.filter(team_id=team.pk)
    if agent is not None:
        rows = rows.filter(agent_id=agent.pk)
    if channel:
        rows = rows.filter(**{channel_field: channel})
    return rows


def kpi_facts_for_viewer(*, viewer, date_from: dt.date, date_to: dt.date, team=None, agent=None,
                         channel: str = "") -> QuerySet[TicketFact]:
    """Return the facts of tickets created in the period that the viewer may read, narrowed by the filters."""
    start, end = day_bounds(date_from, date_to)
    facts = TicketFact.objects.filter(created_at__gte=start, created_at__lt=end)
    return _narrowed(facts, viewer=viewer, team=team, agent=agent, channel=channel)


class Median(Aggregate):
    """The exact median of a column (``percentile_cont``), computed in the same scan as the other aggregates."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class Percentile90(Median):
    """The 90th percentile of a column (``percentile_cont``, interpolated like the median)."""

    template = "%(function)s(0.9) WITHIN GROUP (ORDER BY %(expressions)s)"


def kpi_step_times(facts: QuerySet[TicketFact], *, by_team: bool = True) -> list[dict]:
    """Return the median and p90 business minutes spent in each complaint step, per team (or over all of them).

    One grouped query over the step times of the facts' tickets; rows in step order, then by team.
    """
    keys = ("fact__team_id", "step") if by_team else ("step",)
    rows = list(StepFact.objects.filter(fact__in=facts).values(*keys).annotate(
        n=Count("pk"), median=Median("business_minutes"), p90=Percentile90("business_minutes")).order_by(*keys))
    order = {step: position for position, step in enumerate(STEPS)}
    names = dict(Team.objects.filter(pk__in={r["fact__team_id"] for r in rows if by_team}).values_list("pk", "name"))
    labels = dict(TicketStep.Step.choices)
    for row in rows:
        row["team_id"] = row.pop("fact__team_id", None)
        row["team"] = names.get(row["team_id"], "")
        row["step_label"] = str(labels.get(row["step"], row["step"]))
        row["median"], row["p90"] = round(row["median"], 1), round(row["p90"], 1)
    return sorted(rows, key=lambda r: (r["team"], order.get(r["step"], len(STEPS))))


def kpi_responses_for_viewer(*, viewer, date_from: dt.date, date_to: dt.date, team=None, agent=None,
                             channel: str = "") -> QuerySet[SurveyResponse]:
    """Return the survey responses submitted in the period for the viewer's teams, narrowed by the filters."""
    start, end = day_bounds(date_from, date_to)
    responses = SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    return _narrowed(responses, viewer=viewer, team=team, agent=agent, channel=channel,
                     channel_field="ticket__channel")


def kpi_csat_daily(responses: QuerySet[SurveyResponse]) -> dict[dt.date, float]:
    """Return the mean weighted survey score per local day of submission (the CSAT trend)."""
    tz = timezone.get_current_timezone()
    rows = responses.annotate(day=TruncDate("submitted_at", tzinfo=tz)).values("day").annotate(
        mean=Avg("score")).order_by("day")
    return {row["day"]: round(float(row["mean"]), 2) for row in rows}


def _figure(unit: str, numerator, denominator, value=None) -> dict:
    """Return one metric's figure; a rate over nothing is 0 with its zero denominator, never an error."""
    numerator = numerator or 0
    if value is None:
        if denominator is None:
            value = numerator
        elif unit == "percent":
            value = 100.0 * numerator / denominator if denominator else 0.0
        else:
            value = numerator / denominator if denominator else 0.0
    return {"value": round(float(value), 2) if unit != "count" else int(value),
            "numerator": round(numerator, 2) if isinstance(numerator, float) else numerator,
            "denominator": denominator, "unit": unit}


ROLLUP_COLUMNS = (*SUM_COLUMNS, "complaint_met", "complaint_all", "complaints", "chats")


def _totals_from_facts(facts: QuerySet[TicketFact], window: dt.timedelta) -> dict:
    """Return the summary's sums straight from the facts (used when narrowed to one agent)."""
    return facts.aggregate(
        **fact_sums(window),
        complaint_met=Count("pk", filter=COMPLAINT & Q(sla_resolution_met=True, is_sla_excused=False)),
        complaint_all=Count("pk", filter=COMPLAINT & Q(sla_resolution_met__isnull=False, is_sla_excused=False)),
        complaints=Count("pk", filter=COMPLAINT),
        chats=Count("pk", filter=PRESALES),
    )


def kpi_hours_for_viewer(*, viewer, date_from: dt.date, date_to: dt.date, team=None,
                         channel: str = "") -> QuerySet[FactHour]:
    """Return the hourly rollups of the period that the viewer may read, narrowed by team and channel."""
    start, end = day_bounds(date_from, date_to)
    hours = FactHour.objects.filter(hour__gte=start, hour__lt=end)
    return _narrowed(hours, viewer=viewer, team=team, channel=channel)


def kpi_days_for_viewer(*, viewer, date_from: dt.date, date_to: dt.date, team=None,
                        channel: str = "") -> QuerySet[FactDay]:
    """Return the daily rollups of the period that the viewer may read, narrowed by team and channel."""
    return _narrowed(FactDay.objects.filter(day__gte=date_from, day__lte=date_to), viewer=viewer, team=team,
                     channel=channel)


def _totals_from_rollups(days: QuerySet[FactDay]) -> dict:
    """Return the summary's sums and first-response median from the daily rollups, added up by PostgreSQL.

    The median comes from the summed histograms: within ``kpi.histograms``' error bound of the exact one. The
    sums bring the counts by group; a second query adds the buckets of the one or two groups the median lies in.
    """
    totals = days.aggregate(**{column: Sum(column, default=0) for column in ROLLUP_COLUMNS},
                            frt_groups=HistogramSum("frt_groups", buckets=GROUPS))
    groups = histogram_from_sums(totals.pop("frt_groups"))
    read = percentile_groups(groups, 0.5)
    sums = days.aggregate(**{f"group_{group}": HistogramSum("frt_histogram", first=group_buckets(group).start,
                                                            buckets=len(group_buckets(group)))
                             for group in read}) if read else {}
    buckets = {group: [n or 0 for n in sums[f"group_{group}"]] for group in read}
    totals["frt_median"] = histogram_percentile(histogram_of_groups(groups, buckets), 0.5)
    return totals


def kpi_summary(*, viewer, date_from: dt.date, date_to: dt.date, team=None, agent=None, channel: str = "") -> dict:
    """Return every metric of ``kpi.definitions.METRICS`` for the period as value, numerator, denominator, unit.

    Without an agent filter the sums and the median come from the daily rollups; narrowed to an agent, from the
    facts (the exact median).
    """
    if agent is None:
        totals = _totals_from_rollups(kpi_days_for_viewer(viewer=viewer, date_from=date_from, date_to=date_to,
                                                          team=team, channel=channel))
    else:
        facts = kpi_facts_for_viewer(viewer=viewer, date_from=date_from, date_to=date_to, team=team, agent=agent,
                                     channel=channel)
        totals = _totals_from_facts(facts, dt.timedelta(days=kpi_settings_get().conversion_window_days))
        totals["frt_median"] = facts.aggregate(m=Median("first_response_minutes"))["m"]
    csat = kpi_responses_for_viewer(viewer=viewer, date_from=date_from, date_to=date_to, team=team, agent=agent,
                                    channel=channel).aggregate(total=Sum("score", default=0), n=Count("pk"))
    start, end = day_bounds(date_from, date_to)
    placed, delivered = Q(placed_at__gte=start, placed_at__lt=end), Q(delivered_at__gte=start, delivered_at__lt=end)
    orders = Order.objects.filter(placed | delivered).aggregate(placed=Count("pk", filter=placed),
                                                                 delivered=Count("pk", filter=delivered))
    orders_placed, delivered = orders["placed"], orders["delivered"]
    returns = ReturnRequest.objects.filter(
        created_at__gte=start, created_at__lt=end, kind=ReturnRequest.Kind.RETURN
    ).exclude(status=ReturnRequest.Status.CANCELLED).count()
    reviews = kpi_review_totals(viewer=viewer, date_from=date_from, date_to=date_to, team=team, agent=agent)
    shipping = kpi_order_shipping(date_from=date_from, date_to=date_to)
    calls = kpi_calls_for_viewer(viewer=viewer, date_from=date_from, date_to=date_to, team=team, agent=agent).aggregate(
        answered=Count("pk", filter=Q(wait_seconds__lte=settings.PHONE_ANSWER_SECONDS)), all=Count("pk"))
    figures = {
        "positive_review_rate": _figure("percent", reviews["positive"], reviews["reviews"]),
        "negative_review_rate": _figure("percent", reviews["negative"], reviews["reviews"]),
        "negative_review_in_time_rate": _figure("percent", reviews["low_in_time"], reviews["low_timed"]),
        "order_ship_timeliness_rate": _figure("percent", shipping["on_time"], shipping["due"]),
        "phone_answer_rate": _figure("percent", calls["answered"], calls["all"]),
        "consultation_volume": _figure("count", totals["volume"], None),
        "first_response_time_mean": _figure("minutes", totals["frt_sum"] or 0.0, totals["frt_count"]),
        "first_response_time_median": _figure(
            "minutes", None, totals["frt_count"], value=totals["frt_median"] or 0.0),
        "average_response_time": _figure("minutes", totals["response_minutes"] or 0.0, totals["responses"] or 0),
        "first_contact_resolution_rate": _figure("percent", totals["fcr"], totals["resolved"]),
        "first_response_sla_rate": _figure("percent", totals["frt_sla_met"], totals["frt_sla_all"]),
        "resolution_sla_rate": _figure("percent", totals["res_sla_met"], totals["res_sla_all"]),
        "complaint_timeliness_rate": _figure("percent", totals["complaint_met"], totals["complaint_all"]),
        "excused_breaches": _figure("count", totals["excused"], None),
        "csat": _figure("score", float(csat["total"]), csat["n"]),
        "complaint_rate": _figure("percent", totals["complaints"], orders_placed),
        "return_rate": _figure("percent", returns, delivered),
        "conversion_rate": _figure("percent", totals["converted"], totals["chats"]),
        "step_timeliness_rate": _figure("percent", totals["step_on_time"], totals["step_all"]),
    }
    return figures


def kpi_reviews_for_viewer(*, viewer, date_from: dt.date, date_to: dt.date, team=None, agent=None) -> QuerySet[Review]:
    """Return the shop reviews of the period by their attributed team and agent, scoped like the facts."""
    start, end = day_bounds(date_from, date_to)
    return _narrowed(Review.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end), viewer=viewer, team=team,
                     agent=agent)


def kpi_review_totals(*, viewer, date_from: dt.date, date_to: dt.date, team=None, agent=None) -> dict:
    """Return the counts of the review metrics of the period: past days from the daily rollups, today live.

    Narrowed to an agent, every day is counted from the reviews.
    """
    today = timezone.localdate()
    if agent is not None or date_from >= today:
        return review_kpi_totals(kpi_reviews_for_viewer(viewer=viewer, date_from=date_from, date_to=date_to,
                                                        team=team, agent=agent))
    rolled = _narrowed(ReviewDay.objects.filter(day__gte=date_from, day__lte=min(date_to, today - dt.timedelta(days=1))),
                       viewer=viewer, team=team)
    totals = review_kpi_totals_from_ratings(rolled.aggregate(
        **{column: Sum(column, default=0) for column in REVIEW_ROLLUP_COLUMNS}))
    if date_to >= today:
        live = review_kpi_totals(kpi_reviews_for_viewer(viewer=viewer, date_from=today, date_to=date_to, team=team))
        totals = {key: value + live[key] for key, value in totals.items()}
    return totals


REVIEW_ROLLUP_COLUMNS = ("rated_1", "rated_2", "rated_3", "rated_4", "rated_5", "low_timed", "low_in_time")
REVIEW_BREAKDOWNS = ("shop", "sku", "team", "agent")
REVIEW_BREAKDOWN_PAGE = 10


def kpi_review_breakdown(*, viewer, by: str, date_from: dt.date, date_to: dt.date, team=None, agent=None,
                         page: int = 1, size: int = REVIEW_BREAKDOWN_PAGE) -> tuple[list[dict], bool]:
    """Return one page of 好评率 and 差评率 by shop, SKU, team or agent, with where each row drills down to.

    One grouped query; the rows link to the review list filtered the same way (all, rated 4–5, 差评).
    The second value says whether more groups follow.
    """
    reviews = kpi_reviews_for_viewer(viewer=viewer, date_from=date_from, date_to=date_to, team=team, agent=agent)
    rows = review_kpi_breakdown(reviews, by=by, offset=(page - 1) * size, limit=size + 1)
    period = _review_period(date_from, date_to, team, agent)
    listed = reverse("reviews:list")
    for row in rows:
        row["positive_review_rate"] = _figure("percent", row["positive"], row["reviews"])
        row["negative_review_rate"] = _figure("percent", row["negative"], row["reviews"])
        if row["value"] == "":  # no SKU: the list cannot filter on an empty one
            row["url"] = row["positive_url"] = row["negative_url"] = None
            continue
        group = {**period, by: row["value"]}
        row["url"] = f"{listed}?{urlencode(group)}"
        row["positive_url"] = f"{listed}?{urlencode({**group, 'rating_min': 4})}"
        row["negative_url"] = f"{listed}?{urlencode({**group, 'rating_max': low_rating_threshold()})}"
    return rows[:size], len(rows) > size


def kpi_calls_for_viewer(*, viewer, date_from: dt.date, date_to: dt.date, team=None, agent=None) -> QuerySet[PhoneCall]:
    """Return the incoming calls logged in the period, by the team of their ticket and their agent."""
    start, end = day_bounds(date_from, date_to)
    calls = PhoneCall.objects.filter(created_at__gte=start, created_at__lt=end, direction=PhoneCall.Direction.INBOUND)
    return _narrowed(calls.annotate(team_id=F("ticket__team_id")), viewer=viewer, team=team, agent=agent)


def kpi_order_shipping(*, date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None) -> dict:
    """Return orders paid in the period shipped within the promised hours (``on_time``) of those due (``due``).

    Due: shipped, or unshipped and past the promise (cancelled and refunded orders never shipped are left out).
    """
    start, end = day_bounds(date_from, date_to)
    promise = dt.timedelta(hours=settings.ORDERS_SHIP_PROMISE_HOURS)
    now = now or timezone.now()
    took = ExpressionWrapper(F("shipped_at") - F("paid_at"), output_field=DurationField())
    never = [Order.Status.CANCELLED, Order.Status.REFUNDED]
    return Order.objects.filter(paid_at__gte=start, paid_at__lt=end).alias(took=took).aggregate(
        on_time=Count("pk", filter=Q(shipped_at__isnull=False, took__lte=promise)),
        due=Count("pk", filter=Q(shipped_at__isnull=False)
                  | (Q(shipped_at__isnull=True, paid_at__lt=now - promise) & ~Q(status__in=never))))


# Numerator and denominator sets of the fact-based metrics: what a drill-down lists.
DRILL_SETS = {
    "consultation_volume": (Q(), Q()),
    "first_response_time_mean": (Q(first_response_minutes__isnull=False), Q(first_response_minutes__isnull=False)),
    "first_response_time_median": (Q(first_response_minutes__isnull=False), Q(first_response_minutes__isnull=False)),
    "average_response_time": (Q(responses__gt=0), Q(responses__gt=0)),
    "first_contact_resolution_rate": (Q(is_first_contact_resolution=True), Q(resolved_at__isnull=False)),
    "first_response_sla_rate": (Q(sla_first_response_met=True, is_sla_excused=False),
                                Q(sla_first_response_met__isnull=False, is_sla_excused=False)),
    "resolution_sla_rate": (Q(sla_resolution_met=True, is_sla_excused=False),
                            Q(sla_resolution_met__isnull=False, is_sla_excused=False)),
    "complaint_timeliness_rate": (Q(kind=Ticket.Kind.COMPLAINT, sla_resolution_met=True, is_sla_excused=False),
                                  Q(kind=Ticket.Kind.COMPLAINT, sla_resolution_met__isnull=False, is_sla_excused=False)),
    "excused_breaches": (Q(is_sla_excused=True), Q(is_sla_excused=True)),
    "complaint_rate": (Q(kind=Ticket.Kind.COMPLAINT), Q(kind=Ticket.Kind.COMPLAINT)),
    "step_timeliness_rate": (Q(steps_on_time__gt=0), Q(steps_due__gt=0)),
    "conversion_rate": (Q(channel=Ticket.Channel.CHAT, kind=Ticket.Kind.CONSULTATION),
                        Q(channel=Ticket.Channel.CHAT, kind=Ticket.Kind.CONSULTATION)),
}


def kpi_drill_facts(facts: QuerySet[TicketFact], *, metric: str, part: str) -> QuerySet[TicketFact]:
    """Return the facts behind a metric's numerator or denominator, newest first, with their tickets."""
    numerator, denominator = DRILL_SETS[metric]
    chosen = facts.filter(numerator if part == "numerator" else denominator)
    return chosen.select_related("ticket", "team", "agent").order_by("-created_at", "-ticket_id")


def kpi_categories_for_viewer(*, viewer, date_from: dt.date, date_to: dt.date, team=None,
                              channel: str = "") -> QuerySet[FactDayCategory]:
    """Return the daily category rollups of the period that the viewer may read."""
    rows = FactDayCategory.objects.filter(day__gte=date_from, day__lte=date_to)
    return _narrowed(rows, viewer=viewer, team=team, channel=channel)


def kpi_chart_sources(args: dict) -> tuple[QuerySet, QuerySet, QuerySet]:
    """Return what the charts read: hourly, daily and category rollups, or the facts when narrowed to one agent."""
    if args.get("agent") is not None:
        facts = kpi_facts_for_viewer(**args)
        return facts, facts, facts
    rollup_args = {key: value for key, value in args.items() if key != "agent"}
    return (kpi_hours_for_viewer(**rollup_args), kpi_days_for_viewer(**rollup_args),
            kpi_categories_for_viewer(**rollup_args))


def _rolled(rows: QuerySet) -> bool:
    return rows.model is not TicketFact


def kpi_volume_by_channel_hour(rows: QuerySet) -> list[dict]:
    """Return ticket counts per channel and local hour of day (咨询量 by channel and hour), from facts or rollups."""
    tz = timezone.get_current_timezone()
    at, n = ("hour", Sum("volume")) if _rolled(rows) else ("created_at", Count("pk"))
    return list(rows.annotate(hour_of_day=ExtractHour(at, tzinfo=tz)).values("channel", "hour_of_day")
                .annotate(n=n).order_by("channel", "hour_of_day"))


def kpi_daily_trend(rows: QuerySet) -> list[dict]:
    """Return per local day: tickets, mean first response minutes, first-contact resolutions and resolved.

    From the daily rollups (a month is about a thousand rows) or, narrowed to one agent, from the facts.
    """
    if _rolled(rows):
        sums = {"n": Sum("volume"), "frt_sum": Sum("frt_sum"), "frt_count": Sum("frt_count"), "fcr": Sum("fcr"),
                "resolved": Sum("resolved")}
    else:
        sums = {"n": Count("pk"), "frt_sum": Sum("first_response_minutes"),
                "frt_count": Count("pk", filter=Q(first_response_minutes__isnull=False)),
                "fcr": Count("pk", filter=Q(is_first_contact_resolution=True)),
                "resolved": Count("pk", filter=Q(resolved_at__isnull=False))}
        rows = rows.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
    rows = list(rows.values("day").annotate(**sums).order_by("day"))
    for row in rows:
        row["frt"] = (row["frt_sum"] or 0) / row["frt_count"] if row["frt_count"] else None
    return rows


def kpi_complaint_causes(rows: QuerySet) -> list[dict]:
    """Return complaints per category, most first, with the cumulative share (a Pareto of causes)."""
    n = Sum("volume") if _rolled(rows) else Count("pk")
    rows = list(rows.filter(kind=Ticket.Kind.COMPLAINT).values("category_id").annotate(n=n).order_by("-n"))
    names = dict(Category.objects.filter(pk__in=[r["category_id"] for r in rows if r["category_id"]])
                 .values_list("pk", "name"))
    total = sum(r["n"] for r in rows) or 1
    running = 0
    for row in rows:
        running += row["n"]
        row["name"] = names.get(row["category_id"], "")
        row["cumulative_percent"] = round(100.0 * running / total, 1)
    return rows


def kpi_breakdown(facts: QuerySet[TicketFact], *, by: str) -> list[dict]:
    """Return the fact-based figures per agent or per team in one grouped query (for reports and scorecards)."""
    key = {"agent": "agent_id", "team": "team_id"}[by]
    complaint = Q(kind=Ticket.Kind.COMPLAINT)
    return list(facts.values(key).annotate(
        volume=Count("pk"),
        complaints=Count("pk", filter=complaint),
        frt_count=Count("pk", filter=Q(first_response_minutes__isnull=False)),
        frt_sum=Sum("first_response_minutes"),
        responses=Sum("responses"),
        response_minutes=Sum("response_minutes_total"),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        fcr=Count("pk", filter=Q(is_first_contact_resolution=True)),
        res_sla_met=Count("pk", filter=Q(sla_resolution_met=True, is_sla_excused=False)),
        res_sla_all=Count("pk", filter=Q(sla_resolution_met__isnull=False, is_sla_excused=False)),
        complaint_met=Count("pk", filter=complaint & Q(sla_resolution_met=True, is_sla_excused=False)),
        complaint_all=Count("pk", filter=complaint & Q(sla_resolution_met__isnull=False, is_sla_excused=False)),
        excused=Count("pk", filter=Q(is_sla_excused=True)),
        step_on_time=Sum("steps_on_time", default=0),
        step_all=Sum("steps_due", default=0),
    ).order_by(key))


def breakdown_rates(row: dict) -> dict:
    """Return the rates of one breakdown row (0 when the denominator is 0)."""
    def share(numerator, denominator):
        return round(100.0 * numerator / denominator, 2) if denominator else 0.0

    return {
        "first_response_time_mean": round((row["frt_sum"] or 0) / row["frt_count"], 2) if row["frt_count"] else 0.0,
        "average_response_time": round((row["response_minutes"] or 0) / row["responses"], 2) if row["responses"] else 0.0,
        "first_contact_resolution_rate": share(row["fcr"], row["resolved"]),
        "resolution_sla_rate": share(row["res_sla_met"], row["res_sla_all"]),
        "complaint_timeliness_rate": share(row["complaint_met"], row["complaint_all"]),
        "step_timeliness_rate": share(row["step_on_time"], row["step_all"]),
    }


def report_list_for_user(*, user) -> QuerySet[Report]:
    """Return the reports the user may download: their own exports, and scheduled reports for all-team readers."""
    if not user.has_perm("kpi.view_dashboard"):
        return Report.objects.none()
    mine = Q(kind=Report.Kind.EXPORT, requested_by=user)
    if user.has_perm("kpi.view_all_teams"):
        mine |= ~Q(kind=Report.Kind.EXPORT)
    return Report.objects.filter(mine).select_related("team").order_by("-created_at", "-id")


def scorecard_list_for_user(*, user) -> QuerySet[Scorecard]:
    """Return the scorecards the user may read: their own, their teams' as supervisor, all as manager."""
    return _cards_in_scope(Scorecard.objects.select_related("agent", "team", "scheme", "rated_by"), user)


def period_scorecard_list_for_user(*, user, kind: str, period_start: dt.date) -> QuerySet[PeriodScorecard]:
    """Return the quarter or year cards the user may read, by rank: their own, their teams', all as manager."""
    cards = PeriodScorecard.objects.filter(kind=kind, period_start=period_start).select_related("agent", "team")
    return _cards_in_scope(cards, user).order_by(F("rank").asc(nulls_last=True), "agent_id")


def _cards_in_scope(cards: QuerySet, user) -> QuerySet:
    """Narrow cards to the user's own, or to their teams' (and own) as supervisor; managers keep all."""
    if not user.has_perm("kpi.view_dashboard"):
        return cards.filter(agent=user)
    scope = kpi_team_ids_for_viewer(viewer=user)
    return cards if scope is None else cards.filter(Q(team_id__in=scope) | Q(agent=user))


# Where the review metrics drill down to: (page, filters) of the numerator and of the denominator.
REVIEW_DRILLS = {
    "positive_review_rate": (("reviews:list", {"rating_min": 4}), ("reviews:list", {})),
    "negative_review_rate": (("reviews:queue", {}), ("reviews:list", {})),
    "negative_review_in_time_rate": (("reviews:queue", {}), ("reviews:queue", {})),
}


def _review_period(date_from: dt.date, date_to: dt.date, team=None, agent=None) -> dict:
    """Return the review-list filters of a KPI period narrowed to a team and an agent."""
    start, end = (instant.isoformat() for instant in day_bounds(date_from, date_to))
    narrowed = {"team": team.pk if team else None, "agent": agent.pk if agent else None}
    return {"reviewed_after": start, "reviewed_before": end, **{k: v for k, v in narrowed.items() if v}}


def kpi_drill_urls(metric: str, *, query: str, date_from: dt.date, date_to: dt.date, team=None,
                   agent=None) -> tuple[str, str | None]:
    """Return where a metric's number and its denominator drill down to: tickets, surveys, orders or returns."""
    start, end = (instant.isoformat() for instant in day_bounds(date_from, date_to))
    own = f"{reverse('kpi:drill', args=[metric])}?{query}"
    denominator = f"{own}{'&' if query else ''}part=denominator"
    if metric == "complaint_rate":
        return own, f"{reverse('orders:order_list')}?{urlencode({'placed_after': start, 'placed_before': end})}"
    if metric in REVIEW_DRILLS:
        numerator, denominator = REVIEW_DRILLS[metric]
        period = _review_period(date_from, date_to, team, agent)
        return (f"{reverse(numerator[0])}?{urlencode({**period, **numerator[1]})}",
                f"{reverse(denominator[0])}?{urlencode({**period, **denominator[1]})}")
    if metric == "order_ship_timeliness_rate":
        paid = f"{reverse('orders:order_list')}?{urlencode({'paid_after': start, 'paid_before': end})}"
        return paid, paid
    if metric == "phone_answer_rate":  # the phone tickets of the period, whose pages list their calls
        phone = urlencode({"channel": Ticket.Channel.PHONE, "created_after": start, "created_before": end})
        return f"{reverse('tickets:ticket_list')}?{phone}", f"{reverse('tickets:ticket_list')}?{phone}"
    if metric == "return_rate":
        statuses = [s for s in ReturnRequest.Status.values if s != ReturnRequest.Status.CANCELLED]
        returns = urlencode({"kind": ReturnRequest.Kind.RETURN, "status": statuses, "submitted_after": start,
                             "submitted_before": end}, doseq=True)
        delivered = urlencode({"delivered_after": start, "delivered_before": end})
        return f"{reverse('orders:return_list')}?{returns}", f"{reverse('orders:order_list')}?{delivered}"
    return own, (None if metric == "csat" else denominator)


def scorecard_period_rows(*, user, period: str, first: dt.date) -> list[dict]:
    """Return the ranked cards of a month, quarter or year the user may read, as rows for the page and the export."""
    if period == "month":
        cards = scorecard_list_for_user(user=user).filter(month=first, final_score__isnull=False)
        rows = [{"agent_id": c.agent_id, "agent": c.agent, "team": c.team, "months": 1, "volume": c.volume,
                 "final_score": c.final_score, "is_service_star": c.is_service_star, "card": c} for c in cards]
        everyone = Scorecard.objects.filter(month=first, final_score__isnull=False).values("agent_id", "final_score")
        ranks = {r["agent_id"]: r["rank"] for r in ranked(list(everyone))}
    else:
        cards = period_scorecard_list_for_user(user=user, kind=period, period_start=first)
        rows = [{"agent_id": c.agent_id, "agent": c.agent, "team": c.team, "months": c.months, "volume": c.volume,
                 "final_score": c.final_score, "is_service_star": c.is_service_star, "card": None,
                 "rank": c.rank} for c in cards]
        ranks = {r["agent_id"]: r["rank"] for r in rows}
    for row in rows:
        row["rank"] = ranks.get(row["agent_id"])
    return sorted(rows, key=lambda r: (r["rank"] or 10**9, r["agent_id"]))


def conduct_list_for_user(*, user) -> QuerySet[ConductRecord]:
    """Return the conduct records the user may read: their own; their teams' agents' as supervisor; all as manager."""
    records = ConductRecord.objects.select_related("agent", "team", "recorded_by")
    return _cards_in_scope(records, user)


def conduct_strikes(*, agent_ids, first: dt.date, end: dt.date) -> dict[int, list[str]]:
    """Return, per agent, the violation categories recorded at least three times in [first, end) (one grouped query)."""
    rows = ConductRecord.objects.filter(agent_id__in=agent_ids, kind=ConductRecord.Kind.VIOLATION, date__gte=first,
                                        date__lt=end).values("agent_id", "category").annotate(n=Count("pk")) \
        .filter(n__gte=STRIKES).order_by("agent_id", "category")
    labels = dict(ConductRecord.Category.choices)
    flagged: dict[int, list[str]] = {}
    for row in rows:
        flagged.setdefault(row["agent_id"], []).append(str(labels.get(row["category"], row["category"])))
    return flagged


def conduct_agents_for_viewer(*, viewer) -> QuerySet[User]:
    """Return the agents the viewer may record conduct for: members of their teams (every team's as manager)."""
    if not viewer.has_perm("kpi.view_dashboard"):
        return User.objects.none()
    scope = kpi_team_ids_for_viewer(viewer=viewer)
    agents = User.objects.filter(is_active=True, teams__isnull=False).exclude(pk=viewer.pk)
    if scope is not None:
        agents = agents.filter(teams__in=scope)
    return agents.distinct().order_by("display_name", "pk")
