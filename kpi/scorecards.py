"""Agent scorecards (绩效考核): monthly system indicators scored 1–5, ratings, the final score and period rollups.

The arithmetic of a card; ``kpi.services`` computes and saves the cards, the ratings and 服务之星.
"""

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, F, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from followups.selectors import survey_satisfaction_by_agent
from helpdesk.models import Team
from kpi.models import PeriodScorecard, Scorecard, ScorecardScheme, TicketFact
from knowledge.selectors import training_completion_by_agent
from kpi.quality import answer_accuracy_by_agent, service_language_by_agent
from kpi.selectors import day_bounds, kpi_breakdown

TWO = Decimal("0.01")
# Fact-based sources: (numerator, denominator) columns of a breakdown row, and the scale of the value.
FACT_SOURCES = {
    "first_response_time_mean": ("frt_sum", "frt_count", 1),
    "average_response_time": ("response_minutes", "responses", 1),
    "resolution_sla_rate": ("res_sla_met", "res_sla_all", 100),
    "first_contact_resolution_rate": ("fcr", "resolved", 100),
    "complaint_timeliness_rate": ("complaint_met", "complaint_all", 100),
    "step_timeliness_rate": ("step_on_time", "step_all", 100),
}


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the month of ``month``."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def scheme_active() -> ScorecardScheme:
    """Return the scheme in force (the newest active one)."""
    scheme = ScorecardScheme.objects.filter(is_active=True).prefetch_related("indicators").first()
    if scheme is None:
        raise ValidationError(_("No active scorecard scheme: an admin must activate one."))
    return scheme


def _value(source: str, row: dict, extra: dict) -> float | None:
    """Return an agent's measured value for an indicator source, or None without data."""
    if source in FACT_SOURCES:
        numerator, denominator, scale = FACT_SOURCES[source]
        return round(scale * (row[numerator] or 0) / row[denominator], 2) if row[denominator] else None
    return extra.get(source, {}).get(row["agent_id"])


def _quantize(value) -> Decimal:
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def scorecard_final(card: Scorecard, scheme: ScorecardScheme) -> tuple[Decimal | None, list[dict]]:
    """Return the final score and its arithmetic: weighted parts, re-weighted over the parts that have a value."""
    parts = [
        {"part": "system", "score": card.system_score, "weight": scheme.system_weight},
        {"part": "supervisor", "score": card.supervisor_rating, "weight": scheme.supervisor_weight},
        {"part": "self", "score": card.self_rating, "weight": scheme.self_weight},
    ]
    present = [p for p in parts if p["score"] is not None and p["weight"]]
    total = sum(p["weight"] for p in present)
    if not total:
        return None, parts
    return _quantize(sum(Decimal(str(p["score"])) * p["weight"] for p in present) / total), parts


def agent_month_measures(first: dt.date, last: dt.date) -> tuple[list[dict], dict]:
    """Return each agent's breakdown of the month's facts, and the indicator values measured elsewhere by agent."""
    start, end = day_bounds(first, last)
    facts = TicketFact.objects.filter(created_at__gte=start, created_at__lt=end, agent__isnull=False)
    extra = {"answer_accuracy": answer_accuracy_by_agent(start=start, end=end),
             "satisfaction": survey_satisfaction_by_agent(start=start, end=end),
             "service_language": service_language_by_agent(start=start, end=end),
             "training_completion": training_completion_by_agent(first=first, last=last)}
    return kpi_breakdown(facts, by="agent"), extra


def scorecard_system(scheme: ScorecardScheme, row: dict, extra: dict) -> tuple[list[dict], Decimal | None]:
    """Return the scored indicators and their weighted system score (indicators without data are left out)."""
    scored, weight_sum, total = [], 0, Decimal(0)
    for indicator in scheme.indicators.all():
        value = _value(indicator.source, row, extra)
        score = indicator.score(value)
        scored.append({"name": indicator.name, "source": indicator.source, "weight": indicator.weight,
                       "value": value, "score": score})
        if score is not None:
            weight_sum += indicator.weight
            total += score * indicator.weight
    return scored, (_quantize(total / weight_sum) if weight_sum else None)


def agents_main_team(agent_ids: list[int]) -> dict[int, int]:
    """Return each agent's first team (the one the card is filed under)."""
    teams = {}
    for agent_id, team_id in Team.members.through.objects.filter(user_id__in=agent_ids).order_by("team_id") \
            .values_list("user_id", "team_id"):
        teams.setdefault(agent_id, team_id)
    return teams


def period_bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first day of the month, quarter or year of ``day`` and the first day of the next one."""
    if kind == "month":
        first = day.replace(day=1)
        return first, (first + dt.timedelta(days=32)).replace(day=1)
    if kind == PeriodScorecard.Kind.QUARTER:
        first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return first, (dt.date(first.year + 1, 1, 1) if first.month == 10 else dt.date(first.year, first.month + 3, 1))
    first = dt.date(day.year, 1, 1)
    return first, dt.date(day.year + 1, 1, 1)


def period_rollup(kind: str, first: dt.date, end: dt.date, weighting: str) -> list[dict]:
    """Return each agent's months, tickets and rolled-up final score of the period, in one grouped query.

    The score is the mean of the agent's monthly final scores, each month weighted by its tickets
    (``weighting="volume"``) or equally; months without a final score are left out.
    """
    scored = Scorecard.objects.filter(month__gte=first, month__lt=end, final_score__isnull=False)
    number = DecimalField(max_digits=14, decimal_places=2)
    rows = scored.values("agent_id").annotate(
        months=Count("pk"), tickets=Sum("volume"), score_sum=Sum("final_score"),
        weighted_sum=Sum(F("final_score") * Cast("volume", number), output_field=number),
    ).order_by()
    result = []
    for row in rows:
        if weighting == "volume" and row["tickets"]:
            score = row["weighted_sum"] / row["tickets"]
        else:
            score = row["score_sum"] / row["months"]
        result.append({"agent_id": row["agent_id"], "months": row["months"], "volume": row["tickets"] or 0,
                       "final_score": _quantize(score)})
    return result
