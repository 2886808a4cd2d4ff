"""Reads of the SLA engine: the ticket's ``sla`` block, complaint progress with step deadlines, at-risk, notifications."""

import re

from django.core.cache import cache
from django.db.models import Q, QuerySet
from redis.exceptions import RedisError
from django.utils import timezone

from helpdesk.durations import duration_text
from helpdesk.roles import Role, has_role_at_least
from sla.models import Notification, TicketSLATimer, TicketStepDeadline
from tickets import workflow
from tickets.models import Ticket, TicketStep
from tickets.selectors import ticket_list_for_user

TARGET_FIELDS = ("due_at", "met_at", "breached_at", "warning_at")
# How sla_extend records an extension in the ticket history: "+30 min" and the target, if one was named.
EXTENSION_VALUE = re.compile(r"\+(\d+) min(?: (\w+))?")
# Prefetch these on a ticket queryset so ``sla_block`` costs no query per ticket.
SLA_SELECT_RELATED = ("sla__policy",)
SLA_PREFETCH = ("sla_timers",)


def complaint_progress(*, ticket: Ticket, now=None) -> list[dict]:
    """Return the seven complaint steps of a ticket with completion, actor, deadline and state (``tickets.workflow``).

    The one read behind every tracker: the agent's ticket page, the API and the customer's tracker. The
    caller passes a ticket it may show (a scoped selector or a signed link); two queries.
    """
    completions = {done.step: done for done in TicketStep.objects.filter(ticket=ticket).select_related("completed_by")}
    deadlines = {deadline.step: deadline for deadline in TicketStepDeadline.objects.filter(ticket=ticket)}
    steps = workflow.complaint_progress(completions=completions, deadlines=deadlines, now=now or timezone.now(),
                                        is_active=workflow.is_active(ticket.status))
    for step in steps:
        step["label"] = TicketStep.Step(step["step"]).label
    return steps


def sla_block(ticket: Ticket) -> dict:
    """Return the ticket's SLA as ``{"policy", "paused", "targets": {target: {due_at, met_at, breached_at, warning_at}}}``."""
    try:
        state = ticket.sla
    except Ticket.sla.RelatedObjectDoesNotExist:
        state = None
    timers = {timer.target: timer for timer in ticket.sla_timers.all()}
    targets = {}
    for target in TicketSLATimer.Target.values:
        timer = timers.get(target)
        targets[target] = None if timer is None else {
            **{name: getattr(timer, name) for name in TARGET_FIELDS},
            "paused_at": timer.paused_at,
            "first_breached_at": timer.first_breached_at,
            "is_excused": timer.is_excused,
            "problem": timer.problem,
            "is_provisional": timer.is_provisional,
        }
    paused = bool(state and state.is_held) or any(t.paused_at for t in timers.values() if t.met_at is None)
    return {
        "policy": state.policy.name if state and state.policy else None,
        "paused": paused,
        "held_reason": state.held_reason if state and state.is_held else "",
        "targets": targets,
    }


def sla_ticket_scope_for_user(user) -> QuerySet[Ticket]:
    """Return the tickets whose SLA the user may see: exactly the tickets they may see."""
    return ticket_list_for_user(user=user)


def sla_ticket_get_for_user(user, ticket_id: int) -> Ticket:
    """Return one ticket the user may see, with its SLA state; raise ``Ticket.DoesNotExist`` otherwise."""
    return (sla_ticket_scope_for_user(user).select_related(*SLA_SELECT_RELATED, "team")
            .prefetch_related(*SLA_PREFETCH).get(pk=ticket_id))


def sla_timer_list_at_risk_for_user(user, *, limit: int = 50) -> QuerySet[TicketSLATimer]:
    """Return the running timers of the supervisor's teams' open tickets, least time left first (uses the due_at index)."""
    timers = TicketSLATimer.objects.filter(
        met_at__isnull=True, paused_at__isnull=True, due_at__isnull=False,
    ).exclude(ticket__status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
    if not has_role_at_least(user, Role.MANAGER):
        timers = timers.filter(Q(ticket__team__supervisor=user) | Q(ticket__team__in=user.teams.all()))
    return (timers.select_related("ticket", "ticket__team", "ticket__assignee", "ticket__customer")
            .order_by("due_at", "id")[:limit])


def notification_list_for_user(user) -> QuerySet[Notification]:
    """Return the user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).select_related("ticket")


UNREAD_SECONDS = 30


def notification_unread_key(user_id: int) -> str:
    return f"tickets:notifications-unread:{user_id}"


def notification_unread_count(user, *, cap: int = 99) -> int:
    """Return how many unread notifications the user has, at most ``cap`` + 1 (a badge, not a report).

    Cached for half a minute per user; creating or reading notifications drops the user's entry.
    """
    key = notification_unread_key(user.pk)
    try:
        count = cache.get(key)
    except RedisError:
        count = None
    if count is None:
        count = len(Notification.objects.filter(recipient=user, read_at__isnull=True).values_list("id", flat=True)[:cap + 1])
        try:
            cache.set(key, count, UNREAD_SECONDS)
        except RedisError:
            pass
    return count


def notification_unread_forget(*, user_ids) -> None:
    """Drop the cached badge counts of these users."""
    try:
        cache.delete_many([notification_unread_key(pk) for pk in set(user_ids) if pk])
    except RedisError:
        pass


def sla_now_iso() -> str:
    """Return the server time for countdowns (the browser corrects its own clock by it)."""
    return timezone.now().isoformat()


def sla_running_timers(*, ticket_ids) -> dict[int, list[TicketSLATimer]]:
    """Return each ticket's running timers, soonest first, in one query (for list rows and the ticket page)."""
    timers: dict[int, list[TicketSLATimer]] = {}
    running = TicketSLATimer.objects.filter(
        ticket_id__in=list(ticket_ids), met_at__isnull=True, due_at__isnull=False,
    ).order_by("due_at", "id")
    for timer in running:
        timers.setdefault(timer.ticket_id, []).append(timer)
    return timers


def ticket_promised_times(*, ticket: Ticket) -> dict:
    """Return the stored due times promised to the customer: ``first_response`` until met, and ``resolution`` for complaints.

    Read as stored (computed on the business calendar by the SLA engine), never recomputed here; a
    missing or met target is None.
    """
    timers = {t.target: t for t in TicketSLATimer.objects.filter(
        ticket=ticket, target__in=[TicketSLATimer.Target.FIRST_RESPONSE, TicketSLATimer.Target.RESOLUTION],
        met_at__isnull=True).order_by("cycle")}
    first = timers.get(TicketSLATimer.Target.FIRST_RESPONSE)
    resolution = timers.get(TicketSLATimer.Target.RESOLUTION) if ticket.kind == Ticket.Kind.COMPLAINT else None
    return {"first_response": first.due_at if first else None, "resolution": resolution.due_at if resolution else None}


def sla_history_labels(*, values) -> dict[str, str]:
    """Return the words for the SLA values among a ticket history's values: a deadline's name for its key
    ("first_response" → 首次响应), an extension humanised ("+30 min first_response" → "+30分钟 首次响应")."""
    targets = dict(TicketSLATimer.Target.choices)
    labels = {}
    for value in values:
        extension = EXTENSION_VALUE.fullmatch(value or "")
        if value in targets:
            labels[value] = targets[value]
        elif extension and extension.group(2) in (None, *targets):
            minutes, target = extension.groups()
            text = f"+{duration_text(int(minutes) * 60)}"
            labels[value] = f"{text} {targets[target]}" if target else text
    return labels
