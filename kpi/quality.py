"""Quality inspection (质检): sampling conversations, scoring them, and answer accuracy (解答准确率) per agent."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Q, QuerySet
from django.utils.translation import gettext as _

from kpi.models import QualityCheckItem, QualityInspection, QualityScore, TicketFact
from kpi.selectors import kpi_team_ids_for_viewer
from tickets.models import Ticket

MAX_SAMPLE = 50


def quality_sample(facts: QuerySet[TicketFact], *, size: int) -> list[TicketFact]:
    """Return a random sample of conversations with an agent that nobody has inspected yet."""
    size = max(1, min(size, MAX_SAMPLE))
    return list(facts.filter(agent__isnull=False, ticket__quality_inspection__isnull=True)
                .select_related("ticket", "agent", "team").order_by("?")[:size])


def _may_inspect(actor, ticket: Ticket) -> bool:
    """Return whether the actor supervises the ticket's team (or reads every team)."""
    scope = kpi_team_ids_for_viewer(viewer=actor)
    return actor.has_perm("kpi.view_dashboard") and (scope is None or ticket.team_id in scope)


@transaction.atomic
def quality_inspection_create(*, actor, ticket: Ticket, scores: dict[int, int], comment: str = "") -> QualityInspection:
    """Score a conversation on every active checklist item (0–5); the total is the weighted percent."""
    if not _may_inspect(actor, ticket):
        raise PermissionDenied
    if ticket.assignee_id is None:
        raise ValidationError({"ticket": [_("Only a conversation with a handling agent can be inspected.")]})
    if ticket.assignee_id == actor.pk:
        raise ValidationError({"ticket": [_("You cannot inspect your own conversation.")]})
    items = list(QualityCheckItem.objects.filter(is_active=True))
    errors = {}
    for item in items:
        value = scores.get(item.pk)
        if value is None or not 0 <= value <= 5:
            errors[f"item_{item.pk}"] = [_("Score %(item)s from 0 to 5.") % {"item": item.name}]
    if errors or not items:
        raise ValidationError(errors or {"items": [_("The checklist is empty: an admin must add items.")]})
    weight = sum(item.weight for item in items)
    percent = Decimal(sum(scores[item.pk] * item.weight for item in items) * 100) / (5 * weight)
    try:
        with transaction.atomic():
            inspection = QualityInspection.objects.create(
                ticket=ticket, agent_id=ticket.assignee_id, inspector=actor,
                score_percent=percent.quantize(Decimal("0.01")), comment=comment,
            )
    except IntegrityError:
        raise ValidationError({"ticket": [_("This conversation has already been inspected.")]}) from None
    QualityScore.objects.bulk_create(QualityScore(inspection=inspection, item=item, score=scores[item.pk]) for item in items)
    return inspection


def answer_accuracy_by_agent(*, start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Return each agent's mean inspection score (解答准确率, %) over inspections made in the period."""
    rows = QualityInspection.objects.filter(created_at__gte=start, created_at__lt=end).values("agent_id") \
        .annotate(mean=Avg("score_percent"))
    return {row["agent_id"]: round(float(row["mean"]), 2) for row in rows}


def quality_inspections_for_user(*, user) -> QuerySet[QualityInspection]:
    """Return the inspections the user may read: their own as agent, and their teams' as supervisor."""
    mine = Q(agent=user)
    if user.has_perm("kpi.view_dashboard"):
        scope = kpi_team_ids_for_viewer(viewer=user)
        mine |= Q() if scope is None else Q(ticket__team_id__in=scope)
    return QualityInspection.objects.filter(mine).select_related("ticket", "agent", "inspector") \
        .prefetch_related("scores__item")
