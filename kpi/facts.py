"""Measure each ticket once into ``TicketFact`` so dashboards aggregate in SQL (see docs/kpi.md).

The sweep of changed tickets and the rebuild of a period are ``kpi.services`` entry points.
"""

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from helpdesk.business_time import CalendarSpec, UncoveredYearError, business_minutes_between
from helpdesk.calendars import calendar_spec
from kpi.models import StepFact, TicketFact
from kpi.policies import kpi_settings_get
from sla.models import TicketSLATimer, TicketStepDeadline
from tickets.models import Ticket, TicketEvent, TicketMessage, TicketStep

DONE = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
BATCH = 1000
# A transaction may commit a ticket with an updated_at a little older than tickets already read:
# the sweeper re-reads this much of the recent past on every run (refreshing is idempotent).
LATE_COMMIT = dt.timedelta(minutes=2)
BUSINESS_UNITS = ("business_minutes", "business_hours", "business_days")


def _minutes(spec: CalendarSpec | None, start: dt.datetime, end: dt.datetime) -> float:
    """Return the minutes between two instants on the calendar (calendar time without one)."""
    if end <= start:
        return 0.0
    if spec is not None:
        try:
            return business_minutes_between(spec, start, end)
        except UncoveredYearError:
            pass
    return (end - start).total_seconds() / 60


def _spec_for(policy, default_spec):
    """Return the calendar the ticket's response times are measured on."""
    if policy is None:
        return default_spec
    if policy.first_response_unit not in BUSINESS_UNITS:
        return None
    return calendar_spec(policy.calendar)


def _responses(ticket: Ticket, messages: list[tuple], spec) -> tuple[int, float, int]:
    """Return (answered customer turns, their response minutes, agent replies) from the public thread.

    The ticket's creation opens the first customer turn; each agent reply answers the turn that is waiting
    (平均响应时间 is the mean over answered turns).
    """
    waiting_since = ticket.created_at
    responses, total, replies = 0, 0.0, 0
    for sender, created_at in messages:
        if sender == TicketMessage.Sender.CUSTOMER:
            waiting_since = waiting_since or created_at
        elif sender == TicketMessage.Sender.AGENT:
            replies += 1
            if waiting_since is not None:
                responses += 1
                total += _minutes(spec, waiting_since, created_at)
                waiting_since = None
    return responses, total, replies


def _timer_outcome(timer) -> bool | None:
    """Return True when a finished timer met its target, False when breached, None while running."""
    if timer is None:
        return None
    if timer.breached_at is not None:
        return False
    return True if timer.met_at is not None else None


def step_outcomes(deadlines, now: dt.datetime) -> tuple[int, int]:
    """Return (steps whose deadline is decided, steps completed by their deadline) of one ticket's step deadlines.

    A step is decided once completed (on time or late) or once its deadline has passed uncompleted.
    """
    decided = on_time = 0
    for met_at, due_at in deadlines:
        if due_at is None:
            continue
        if met_at is not None:
            decided += 1
            on_time += met_at <= due_at
        elif due_at <= now:
            decided += 1
    return decided, on_time


def step_times(spec, created_at: dt.datetime, completions: list[tuple[str, dt.datetime]]) -> list[tuple]:
    """Return (step, started_at, completed_at, business minutes) of a ticket's completed steps, in completion order.

    A step starts when the step completed before it did (the ticket's creation for the first one).
    """
    rows, started_at = [], created_at
    for step, completed_at in completions:
        rows.append((step, started_at, completed_at, _minutes(spec, started_at, completed_at)))
        started_at = max(started_at, completed_at)
    return rows


def ticket_facts_refresh(*, ticket_ids: list[int]) -> int:
    """Measure the tickets into ``TicketFact`` rows (insert or replace); return how many were written."""
    tickets = list(
        Ticket.objects.filter(pk__in=ticket_ids).select_related("sla__policy__calendar").only(
            "id", "team_id", "assignee_id", "customer_id", "category_id", "channel", "kind", "status",
            "created_at", "first_response_at", "resolved_at", "closed_at", "sla__policy",
        )
    )
    if not tickets:
        return 0
    ids = [t.pk for t in tickets]
    messages = defaultdict(list)
    for ticket_id, sender, created_at in (
        TicketMessage.objects.filter(ticket_id__in=ids, is_internal=False)
        .order_by("ticket_id", "created_at", "id").values_list("ticket_id", "sender", "created_at")
    ):
        messages[ticket_id].append((sender, created_at))
    reopened = set(
        TicketEvent.objects.filter(
            ticket_id__in=ids, kind=TicketEvent.Kind.STATUS, from_value__in=DONE
        ).exclude(to_value__in=DONE).values_list("ticket_id", flat=True)
    )
    timers = {(t.ticket_id, t.target): t for t in TicketSLATimer.objects.filter(
        ticket_id__in=ids, target__in=[TicketSLATimer.Target.FIRST_RESPONSE, TicketSLATimer.Target.RESOLUTION]
    ).only("ticket_id", "target", "met_at", "breached_at", "is_excused")}
    steps = defaultdict(list)
    for ticket_id, met_at, due_at in TicketStepDeadline.objects.filter(ticket_id__in=ids).values_list(
            "ticket_id", "met_at", "due_at"):
        steps[ticket_id].append((met_at, due_at))
    completions = defaultdict(list)
    for ticket_id, step, completed_at in TicketStep.objects.filter(ticket_id__in=ids).order_by(
            "ticket_id", "completed_at", "id").values_list("ticket_id", "step", "completed_at"):
        completions[ticket_id].append((step, completed_at))
    now = timezone.now()
    settings_row = kpi_settings_get()
    default_spec = calendar_spec(settings_row.calendar) if settings_row.calendar_id else None
    facts, times = [], []
    for ticket in tickets:
        steps_due, steps_on_time = step_outcomes(steps[ticket.pk], now)
        sla = getattr(ticket, "sla", None) if hasattr(ticket, "sla") else None
        spec = _spec_for(sla.policy if sla else None, default_spec)
        responses, total, replies = _responses(ticket, messages[ticket.pk], spec)
        times += [StepFact(fact_id=ticket.pk, step=step, started_at=start, completed_at=end, business_minutes=minutes)
                  for step, start, end, minutes in step_times(spec, ticket.created_at, completions[ticket.pk])]
        resolved_at = ticket.resolved_at if ticket.status in DONE else None
        first_timer = timers.get((ticket.pk, TicketSLATimer.Target.FIRST_RESPONSE))
        resolution_timer = timers.get((ticket.pk, TicketSLATimer.Target.RESOLUTION))
        facts.append(TicketFact(
            ticket_id=ticket.pk, team_id=ticket.team_id, agent_id=ticket.assignee_id, customer_id=ticket.customer_id,
            category_id=ticket.category_id, channel=ticket.channel, kind=ticket.kind, created_at=ticket.created_at,
            first_response_at=ticket.first_response_at,
            first_response_minutes=(
                _minutes(spec, ticket.created_at, ticket.first_response_at) if ticket.first_response_at else None
            ),
            responses=responses, response_minutes_total=total, agent_replies=replies, resolved_at=resolved_at,
            is_reopened=ticket.pk in reopened,
            is_first_contact_resolution=resolved_at is not None and ticket.pk not in reopened and responses <= 1,
            sla_first_response_met=_timer_outcome(first_timer),
            sla_resolution_met=_timer_outcome(resolution_timer) if resolved_at else (
                False if resolution_timer and resolution_timer.breached_at else None
            ),
            is_sla_excused=any(t is not None and t.is_excused for t in (first_timer, resolution_timer)),
            steps_due=steps_due, steps_on_time=steps_on_time,
        ))
    fields = [f.name for f in TicketFact._meta.concrete_fields if not f.primary_key]
    TicketFact.objects.bulk_create(facts, update_conflicts=True, unique_fields=["ticket"], update_fields=fields)
    StepFact.objects.filter(fact_id__in=ids).delete()
    StepFact.objects.bulk_create(times)
    return len(facts)
