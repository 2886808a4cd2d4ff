"""Monthly agent scorecards (绩效考核): system indicators scored 1–5, ratings, the final score and 服务之星."""

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followups.selectors import survey_satisfaction_by_agent
from helpdesk.models import Team
from kpi.models import Scorecard, ScorecardScheme, TicketFact
from kpi.quality import answer_accuracy_by_agent
from kpi.selectors import day_bounds, kpi_breakdown
from tickets.selectors import team_ids_for_user

TWO = Decimal("0.01")
# Fact-based sources: (numerator, denominator) columns of a breakdown row, and the scale of the value.
FACT_SOURCES = {
    "first_response_time_mean": ("frt_sum", "frt_count", 1),
    "average_response_time": ("response_minutes", "responses", 1),
    "resolution_sla_rate": ("res_sla_met", "res_sla_all", 100),
    "first_contact_resolution_rate": ("fcr", "resolved", 100),
    "complaint_timeliness_rate": ("complaint_met", "complaint_all", 100),
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


def _system(scheme: ScorecardScheme, row: dict, extra: dict) -> tuple[list[dict], Decimal | None]:
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


@transaction.atomic
def scorecards_compute(*, month: dt.date) -> int:
    """Compute every agent's scorecard of the month from the facts; keep ratings already given; name 服务之星."""
    scheme = scheme_active()
    first, last = month_bounds(month)
    start, end = day_bounds(first, last)
    facts = TicketFact.objects.filter(created_at__gte=start, created_at__lt=end, agent__isnull=False)
    rows = kpi_breakdown(facts, by="agent")
    extra = {"answer_accuracy": answer_accuracy_by_agent(start=start, end=end),
             "satisfaction": survey_satisfaction_by_agent(start=start, end=end)}
    teams = _main_teams([row["agent_id"] for row in rows])
    existing = {c.agent_id: c for c in Scorecard.objects.select_for_update().filter(month=first)}
    for row in rows:
        indicators, system_score = _system(scheme, row, extra)
        card = existing.get(row["agent_id"]) or Scorecard(month=first, agent_id=row["agent_id"])
        card.scheme, card.team_id, card.volume = scheme, teams.get(row["agent_id"]), row["volume"]
        card.indicators, card.system_score = indicators, system_score
        card.final_score, _parts = scorecard_final(card, scheme)
        card.save()
    service_star_award(month=first)
    return len(rows)


def _main_teams(agent_ids: list[int]) -> dict[int, int]:
    """Return each agent's first team (the one the card is filed under)."""
    teams = {}
    for agent_id, team_id in Team.members.through.objects.filter(user_id__in=agent_ids).order_by("team_id") \
            .values_list("user_id", "team_id"):
        teams.setdefault(agent_id, team_id)
    return teams


def service_star_award(*, month: dt.date) -> list[int]:
    """Name the month's 服务之星: the top final score with enough tickets; ties go to volume, then share the star."""
    cards = list(Scorecard.objects.select_for_update().filter(month=month))
    if not cards:
        return []
    minimum = cards[0].scheme.star_min_volume
    eligible = [c for c in cards if c.final_score is not None and c.volume >= minimum]
    best = max(((c.final_score, c.volume) for c in eligible), default=None)
    stars = [c.pk for c in eligible if (c.final_score, c.volume) == best]
    Scorecard.objects.filter(month=month).exclude(pk__in=stars).update(is_service_star=False)
    Scorecard.objects.filter(pk__in=stars).update(is_service_star=True)
    return stars


def _refinalize(card: Scorecard) -> None:
    card.final_score, _parts = scorecard_final(card, card.scheme)


@transaction.atomic
def scorecard_rate(*, scorecard: Scorecard, actor, rating: int, comment: str = "") -> Scorecard:
    """Record the supervisor's rating (1–5) of an agent of their team and recompute the final score."""
    card = Scorecard.objects.select_for_update().select_related("scheme").get(pk=scorecard.pk)
    if card.agent_id == actor.pk or not actor.has_perm("kpi.view_dashboard") or (
        not actor.has_perm("kpi.view_all_teams") and card.team_id not in team_ids_for_user(user=actor)
    ):
        raise PermissionDenied
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Give a score from 1 to 5.")]})
    card.supervisor_rating, card.supervisor_comment, card.rated_by = rating, comment, actor
    _refinalize(card)
    card.save(update_fields=["supervisor_rating", "supervisor_comment", "rated_by", "final_score", "computed_at"])
    service_star_award(month=card.month)
    card.refresh_from_db()
    return card


@transaction.atomic
def scorecard_self_assess(*, scorecard: Scorecard, actor, rating: int, comment: str = "") -> Scorecard:
    """Record the agent's own assessment (1–5) of their month and recompute the final score."""
    card = Scorecard.objects.select_for_update().select_related("scheme").get(pk=scorecard.pk)
    if card.agent_id != actor.pk:
        raise PermissionDenied
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Give a score from 1 to 5.")]})
    card.self_rating, card.self_comment = rating, comment
    _refinalize(card)
    card.save(update_fields=["self_rating", "self_comment", "final_score", "computed_at"])
    service_star_award(month=card.month)
    card.refresh_from_db()
    return card


def scorecards_compute_recent(*, today: dt.date | None = None) -> int:
    """Recompute this month's cards, and last month's during the first 5 days (late ratings, late facts)."""
    today = today or timezone.localdate()
    computed = scorecards_compute(month=today)
    if today.day <= 5:
        computed += scorecards_compute(month=today.replace(day=1) - dt.timedelta(days=1))
    return computed
