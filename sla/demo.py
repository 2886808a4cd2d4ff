"""SLA states for the demo: deadlines already in amber (warned) and red (breached)."""

import datetime as dt

from django.utils import timezone

from helpdesk.calendars import calendar_spec
from sla import services
from sla.models import TicketSLATimer
from tickets.models import Ticket

# (ticket index, share of its first-response time already used): past the warning (amber) or the deadline (red).
SLA_STATES = [(2, 0.9), (4, 0.9), (7, 1.3), (11, 1.3)]


def demo_sla_states_load(tickets: list[Ticket]) -> None:
    """Start some first-response clocks earlier so the demo shows deadlines in amber (warned) and red (breached)."""
    now = timezone.now()
    for index, used in SLA_STATES:
        ticket = tickets[index]
        timer = TicketSLATimer.objects.filter(
            ticket=ticket, target=TicketSLATimer.Target.FIRST_RESPONSE, met_at__isnull=True, warned_at__isnull=True,
            breached_at__isnull=True, paused_at__isnull=True, due_at__isnull=False,
        ).first()
        policy = getattr(getattr(ticket, "sla", None), "policy", None)
        if timer is None or policy is None:
            continue  # already shown (demo data loads once) or no deadline to show
        spec = calendar_spec(policy.calendar)
        _value, unit = policy.target(TicketSLATimer.Target.FIRST_RESPONSE)
        budget = services.sla_elapsed(spec, unit, timer.started_at, timer.due_at)
        started = _demo_start_for(spec, unit, now, budget * used)
        TicketSLATimer.objects.filter(pk=timer.pk).update(started_at=started)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=started)
        ticket.refresh_from_db()
        services.ticket_sla_refresh(ticket=ticket, now=now)
        services.sla_timer_check(timer_id=timer.pk, now=now)


def _demo_start_for(spec, unit, now: dt.datetime, minutes: float) -> dt.datetime:
    """Return the start from which ``minutes`` of the unit's measure have passed by ``now`` (bisection, to the second)."""
    early, late = now - dt.timedelta(days=60), now
    while (late - early).total_seconds() > 1:
        middle = early + (late - early) / 2
        if services.sla_elapsed(spec, unit, middle, now) > minutes:
            early = middle
        else:
            late = middle
    return early
