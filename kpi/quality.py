"""Quality inspection (质检): samples, inspections, answer accuracy (解答准确率) and service language (服务用语) per agent.

An inspection is recorded by ``kpi.services.quality_inspection_create``.
"""

import datetime as dt

from collections import Counter

from django.db.models import Avg, Count, Q, QuerySet

from chat.models import ChatMessage
from kpi.models import QualityInspection, TicketFact
from kpi.selectors import kpi_team_ids_for_viewer
from tickets.models import ForbiddenPhrase, ServiceLanguageHit, Ticket, TicketMessage
from tickets.selectors import ticket_messages_shown

MAX_SAMPLE = 50


def quality_sample(facts: QuerySet[TicketFact], *, size: int) -> list[TicketFact]:
    """Return a random sample of conversations with an agent that nobody has inspected yet."""
    size = max(1, min(size, MAX_SAMPLE))
    return list(facts.filter(agent__isnull=False, ticket__quality_inspection__isnull=True)
                .select_related("ticket", "agent", "team").order_by("?")[:size])


def quality_thread_for_viewer(*, ticket: Ticket, viewer) -> list[TicketMessage]:
    """Return the conversation an inspector reads (no internal notes), its text masked unless the viewer may see it."""
    messages = ticket.messages.filter(is_internal=False).select_related("author") \
        .prefetch_related("language_hits__phrase").order_by("created_at", "id")[:200]
    return ticket_messages_shown(messages, viewer=viewer)


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


def quality_language_hits(*, ticket_ids) -> dict[int, Counter]:
    """Return the service-language findings of the sent replies of each ticket, counted by kind (one query)."""
    rows = ServiceLanguageHit.objects.filter(ticket_id__in=ticket_ids, message__isnull=False) \
        .values("ticket_id", "kind").annotate(n=Count("pk")).order_by()
    found: dict[int, Counter] = {}
    for row in rows:
        found.setdefault(row["ticket_id"], Counter())[row["kind"]] = row["n"]
    return found


def service_language_by_agent(*, start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Return each agent's share (%) of public replies sent in the period without a forbidden or discouraged phrase.

    Chat replies count as the ticket messages of their transcript once the chat ended, as chat messages until then.
    """
    replies = TicketMessage.objects.filter(sender=TicketMessage.Sender.AGENT, is_internal=False, author__isnull=False,
                                           created_at__gte=start, created_at__lt=end)
    chats = ChatMessage.objects.filter(sender=ChatMessage.Sender.AGENT, session__ticket__isnull=True,
                                       author__isnull=False, created_at__gte=start, created_at__lt=end)
    totals: dict[int, list[int]] = {}
    for messages in (replies, chats):
        rows = messages.values("author_id").annotate(
            total=Count("pk", distinct=True),
            flagged=Count("pk", distinct=True, filter=Q(language_hits__kind__in=ForbiddenPhrase.WARNED)),
        ).order_by()
        for row in rows:
            counts = totals.setdefault(row["author_id"], [0, 0])
            counts[0] += row["total"]
            counts[1] += row["flagged"]
    return {author: round(100 * (total - flagged) / total, 2) for author, (total, flagged) in totals.items() if total}
