"""Every write of the SLA engine: match a policy, (re)compute a ticket's stored timers, sweep, warn, breach, pause and
extend; mark notifications read.

Deadlines are stored on ``TicketSLATimer`` rows and recomputed only when something changes them;
the beat sweeper reads ``next_check_at`` with an indexed range query and fans out one idempotent
``sla_timer_check`` per due timer. Warnings and breaches are recorded under a row lock with the
notifications in the same transaction, so each happens exactly once per timer cycle.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.notices import NoticeKind, notice_send
from helpdesk.business_time import (
    CalendarSpec,
    NoWorkingTimeError,
    UncoveredYearError,
    add_business_days,
    add_business_minutes,
    add_calendar_minutes,
    business_minutes_between,
    is_provisional,
)
from helpdesk import live
from helpdesk.calendars import calendar_spec
from helpdesk.enqueue import enqueue_each
from helpdesk.instants import instant_text
from helpdesk.models import BusinessCalendar
from helpdesk.services import calendar_recompute_each
from sla import sql
from sla.models import Notification, SLAPolicy, StepPolicy, TicketSLA, TicketSLATimer, TicketStepDeadline
from sla.selectors import notification_unread_forget, ticket_promised_times
from tickets.models import InternalTask, Ticket, TicketEvent, TicketMessage, TicketStep
from tickets.selectors import ESCALATION_LEVELS, escalation_level
from tickets.services import internal_task_next_check, internal_task_team_people, ticket_escalate, ticket_message_add

logger = logging.getLogger(__name__)
Unit = SLAPolicy.Unit
Target = TicketSLATimer.Target
CALENDAR_UNITS = {Unit.CALENDAR_MINUTES, Unit.CALENDAR_HOURS}
DONE_STATUSES = {Ticket.Status.RESOLVED, Ticket.Status.CLOSED}
PRIORITY_UP = {Ticket.Priority.LOW: Ticket.Priority.NORMAL, Ticket.Priority.NORMAL: Ticket.Priority.HIGH,
               Ticket.Priority.HIGH: Ticket.Priority.URGENT}
SWEEP_LIMIT = 5000
COMPUTED_FIELDS = ("met_at", "paused_at", "paused_minutes", "due_at", "warning_at", "problem", "breached_at",
                   "next_check_at", "is_provisional")


# Deadline arithmetic per unit; all of it goes through helpdesk.business_time.

def sla_deadline(spec: CalendarSpec, unit: str, start: dt.datetime, value: float) -> dt.datetime:
    """Return the instant ``value`` ``unit`` after ``start`` on the calendar."""
    if unit == Unit.BUSINESS_MINUTES:
        return add_business_minutes(spec, start, value)
    if unit == Unit.BUSINESS_HOURS:
        return add_business_minutes(spec, start, value * 60)
    if unit == Unit.BUSINESS_DAYS:
        return add_business_days(spec, start, int(value))
    if unit == Unit.CALENDAR_HOURS:
        return add_calendar_minutes(start, value * 60)
    return add_calendar_minutes(start, value)


def sla_elapsed(spec: CalendarSpec, unit: str, start: dt.datetime, end: dt.datetime) -> float:
    """Return the minutes between two instants that count for the unit (never negative)."""
    if unit in CALENDAR_UNITS:
        return max(0.0, (end - start).total_seconds() / 60)
    return business_minutes_between(spec, start, end)


def sla_shift(spec: CalendarSpec, unit: str, instant: dt.datetime, minutes: float) -> dt.datetime:
    """Return ``instant`` moved later by ``minutes`` of the unit's measure (pauses, extensions)."""
    if minutes <= 0:
        return instant
    if unit in CALENDAR_UNITS:
        return add_calendar_minutes(instant, minutes)
    return add_business_minutes(spec, instant, minutes)


def sla_due_and_warning(spec: CalendarSpec, unit: str, start: dt.datetime, value: float, *, warning_percent: int,
                        shift: float = 0.0) -> tuple[dt.datetime, dt.datetime, bool]:
    """Return the deadline ``value`` ``unit`` after ``start`` (moved ``shift`` minutes later), its warning point, and
    whether its span reads a provisional calendar year."""
    due = sla_shift(spec, unit, sla_deadline(spec, unit, start, value), shift)
    budget = sla_elapsed(spec, unit, start, due)
    warning = sla_shift(spec, unit, start, budget * warning_percent / 100) if budget else due
    return due, min(warning, due), unit not in CALENDAR_UNITS and is_provisional(spec, start, due)


def sla_policy_match(ticket: Ticket, policies) -> SLAPolicy | None:
    """Return the first active policy (by order) whose conditions the ticket meets."""
    customer = ticket.customer
    for policy in policies:
        if not policy.is_active:
            continue
        if policy.kind and policy.kind != ticket.kind:
            continue
        if policy.channel and policy.channel != ticket.channel:
            continue
        if policy.priority and policy.priority != ticket.priority:
            continue
        if policy.category_id and policy.category_id != ticket.category_id:
            continue
        if policy.customer_level and policy.customer_level != customer.level:
            continue
        if policy.customer_tag and policy.customer_tag not in (customer.tags or []):
            continue
        return policy
    return None


def sla_policies_active() -> list[SLAPolicy]:
    """Return the active policies in matching order, with their calendars."""
    return list(SLAPolicy.objects.filter(is_active=True).select_related("calendar").order_by("position", "id"))


# (fingerprint) → active policies, per process; the fingerprint comes with every refresh's read (``sla.sql``).
_POLICIES: dict[str, list[SLAPolicy]] = {}


def _policies_for(fingerprint: str | None) -> list[SLAPolicy]:
    policies = _POLICIES.get(fingerprint or "")
    if policies is None:
        policies = sla_policies_active()
        _POLICIES.clear()
        _POLICIES[fingerprint or ""] = policies
    return policies


def _sla_state_from(ticket: Ticket, row) -> TicketSLA:
    if row is None or row[1] is None:
        return TicketSLA.objects.get_or_create(ticket=ticket)[0]
    return TicketSLA.from_db(connection.alias, ["ticket_id", "policy_id", "is_held", "held_reason"], [ticket.pk, *row])


def _sla_state_policies_timers(ticket: Ticket) -> tuple[TicketSLA, list[SLAPolicy], dict[str, TicketSLATimer]]:
    """Return the ticket's SLA state (created if missing), the active policies and its timers by target.

    One query when the ticket has timers (state and policy fingerprint ride along as two columns), two on
    its first refresh.
    """
    timers = sql.timers_with_state(ticket.pk)
    if timers:
        first = timers[0]
        return (_sla_state_from(ticket, first.sla_state), _policies_for(first.sla_fingerprint),
                {timer.target: timer for timer in timers})
    policy_id, is_held, held_reason, fingerprint = sql.state_and_fingerprint(ticket.pk)
    return _sla_state_from(ticket, (policy_id, is_held, held_reason)), _policies_for(fingerprint), {}


# Recomputing a ticket's timers.

def ticket_sla_refresh(*, ticket: Ticket, now: dt.datetime | None = None, record_events: bool = True) -> TicketSLA:
    """Recompute the ticket's SLA timers; call after its status, priority, kind, channel or category change."""
    now = now or timezone.now()
    state, policies, timers = _sla_state_policies_timers(ticket)
    policy = sla_policy_match(ticket, policies)
    if state.policy_id != (policy.pk if policy else None):
        state.policy = policy
        state.save(update_fields=["policy"])
    elif policy is not None:
        state.policy = policy  # the cached row: reading state.policy costs no query
    if policy is None:
        TicketSLATimer.objects.filter(ticket=ticket, met_at__isnull=True, breached_at__isnull=True).delete()
        return state
    spec = calendar_spec(policy.calendar)
    paused = state.is_held or ticket.status in (policy.pause_statuses or [])
    changes = {"paused": 0, "resumed": 0}
    for target in Target:
        value, unit = policy.target(target)
        timer = timers.get(target)
        if not value:
            if timer is not None and timer.met_at is None and timer.breached_at is None:
                timer.delete()
            continue
        if timer is None:
            if target == Target.NEXT_RESPONSE:
                continue  # started by a customer message waiting for a reply
            timer = TicketSLATimer(ticket=ticket, target=target, started_at=ticket.created_at)
        before = [getattr(timer, name) for name in COMPUTED_FIELDS]
        _timer_compute(timer, ticket=ticket, spec=spec, value=value, unit=unit, paused=paused,
                       warning_percent=policy.warning_percent, now=now, changes=changes)
        if timer.pk is None:
            timer.save()
            continue
        changed = [name for name, old in zip(COMPUTED_FIELDS, before) if getattr(timer, name) != old]
        if changed:
            timer.save(update_fields=changed)
    if record_events and (changes["paused"] or changes["resumed"]):
        TicketEvent.objects.create(
            ticket=ticket, kind=TicketEvent.Kind.SLA_PAUSED if changes["paused"] else TicketEvent.Kind.SLA_RESUMED,
            to_value=ticket.status, note=_("Status %(status)s") % {"status": ticket.get_status_display()},
        )
    return state


def _timer_compute(timer, *, ticket, spec, value, unit, paused, warning_percent, now, changes) -> None:
    """Set the timer's met/paused state and its due, warning and next-check instants."""
    if timer.target == Target.FIRST_RESPONSE:
        timer.met_at = ticket.first_response_at
    elif timer.target == Target.RESOLUTION:
        timer.met_at = (timer.met_at or ticket.resolved_at or now) if ticket.status in DONE_STATUSES else None
    if paused and timer.met_at is None and timer.paused_at is None:
        timer.paused_at = now
        changes["paused"] += 1
    elif timer.paused_at is not None and (not paused or timer.met_at is not None):
        resumed_at = min(now, timer.met_at) if timer.met_at else now
        timer.paused_minutes += _elapsed_or_zero(spec, unit, timer.paused_at, resumed_at)
        timer.paused_at = None
        changes["resumed"] += 1
    try:
        timer.due_at, timer.warning_at, timer.is_provisional = sla_due_and_warning(
            spec, unit, timer.started_at, value, warning_percent=warning_percent,
            shift=timer.paused_minutes + timer.extended_minutes)
        timer.problem = ""
    except (UncoveredYearError, NoWorkingTimeError) as exc:
        timer.due_at = timer.warning_at = None
        timer.problem = str(exc)[:255]
        timer.is_provisional = False
    if timer.met_at and timer.due_at and timer.breached_at is None and timer.met_at > timer.due_at:
        timer.breached_at = timer.met_at  # met late: a breach for the KPI, nobody left to notify
    timer.next_check_at = _next_check(timer)


def _breach_lift(timer: TicketSLATimer, *, now: dt.datetime) -> None:
    """Run a breached timer again against the later deadline an extension gave it; the breach stays counted.

    ``first_breached_at`` keeps the first breach for reports and the KPI, the ticket history keeps its
    breach event; the timer itself is no longer breached, warns again if its warning point is still
    ahead, and breaches (and notifies) again if the new deadline is missed too.
    """
    timer.first_breached_at = timer.first_breached_at or timer.breached_at
    timer.breached_at = None
    if timer.warning_at and timer.warning_at > now:
        timer.warned_at = None
    timer.next_check_at = _next_check(timer)
    timer.save(update_fields=["first_breached_at", "breached_at", "warned_at", "next_check_at"])


def _elapsed_or_zero(spec, unit, start, end) -> float:
    try:
        return sla_elapsed(spec, unit, start, end)
    except (UncoveredYearError, NoWorkingTimeError):
        return 0.0


def _next_check(timer: TicketSLATimer) -> dt.datetime | None:
    """Return when the sweeper must look at the timer next, or None when nothing is pending."""
    if timer.met_at or timer.paused_at or timer.due_at is None or timer.breached_at:
        return None
    return timer.warning_at if timer.warned_at is None and timer.warning_at else timer.due_at


def ticket_sla_message_added(*, ticket: Ticket, message: TicketMessage) -> None:
    """Start a next-response cycle on a waiting customer message, meet it on an agent reply; then refresh."""
    if message.is_internal or message.sender == TicketMessage.Sender.SYSTEM:
        return
    timer = TicketSLATimer.objects.filter(ticket=ticket, target=Target.NEXT_RESPONSE).first()
    if message.sender == TicketMessage.Sender.CUSTOMER:
        if ticket.first_response_at is None or (timer is not None and timer.met_at is None):
            return  # the first-response timer, or the running next-response cycle, already covers it
        if timer is None:
            timer = TicketSLATimer(ticket=ticket, target=Target.NEXT_RESPONSE, cycle=0)
        timer.cycle += 1
        timer.started_at = message.created_at
        timer.met_at = timer.warned_at = timer.breached_at = timer.paused_at = None
        timer.paused_minutes = timer.extended_minutes = 0
        timer.is_excused = False
        timer.save()
    elif timer is not None and timer.met_at is None:
        timer.met_at = message.created_at
        timer.save(update_fields=["met_at"])
    ticket_sla_refresh(ticket=ticket)


def ticket_sla_conversation_ended(*, ticket: Ticket, at: dt.datetime) -> bool:
    """Stop a running next-response cycle at the end of its live conversation; return whether one ran.

    A chat the agent ended leaves no customer waiting in it: the cycle counts as answered at the end
    (late if it was due before), instead of running on into a breach nobody can mend.
    """
    timer = TicketSLATimer.objects.filter(ticket=ticket, target=Target.NEXT_RESPONSE, met_at__isnull=True).first()
    if timer is None:
        return False
    timer.met_at = max(at, timer.started_at)
    timer.save(update_fields=["met_at"])
    ticket_sla_refresh(ticket=ticket)
    return True


# The sweeper and the per-timer check.

def _due_ids(model, *, now: dt.datetime, limit: int) -> list[int] | None:
    """Return the ids of the model's rows whose next check has come, soonest first (the partial index), or None
    when the database is unavailable (the next sweep finds them again)."""
    try:
        return list(model.objects.filter(next_check_at__lte=now).order_by("next_check_at")
                    .values_list("id", flat=True)[:limit])
    except DatabaseError:
        logger.warning("%s sweep skipped: database unavailable", model.__name__, exc_info=True)
        return None


def _sweep(model, enqueue: str, *, now: dt.datetime | None, limit: int) -> int:
    """Publish the checks (``sla.tasks.<enqueue>``) of the model's rows whose next check has come; return how many."""
    from sla import tasks  # the tasks call this module: imported when used

    ids = _due_ids(model, now=now or timezone.now(), limit=limit)
    if ids is None:
        return 0
    getattr(tasks, enqueue)(ids, expires=300)
    return len(ids)


def sla_timer_sweep_due(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Enqueue one check per timer whose next check has come (indexed range query); return how many."""
    return _sweep(TicketSLATimer, "sla_timer_checks_enqueue", now=now, limit=limit)


def sla_timer_check_many(*, timer_ids: list[int]) -> int:
    """Check these timers as one batch; return how many recorded a warning or breach."""
    return sum(1 for outcome in sla_timers_check(timer_ids=timer_ids).values() if outcome)


def sla_timer_check(*, timer_id: int, now: dt.datetime | None = None) -> str | None:
    """Record a due warning or breach once and notify; return what happened ("warning", "breach" or None)."""
    return sla_timers_check(timer_ids=[timer_id], now=now).get(timer_id)


@transaction.atomic
def sla_timers_check(*, timer_ids, now: dt.datetime | None = None) -> dict[int, str | None]:
    """Record the due warnings and breaches of these timers once each; return what happened to each timer.

    One transaction and a constant number of queries for the batch: the due timers locked (rows another
    worker holds are skipped: that worker checks them), their tickets and policies read at once, the
    timers, events and notifications written in bulk. Exactly once: a checked timer's next check is
    cleared or moved on in the same transaction, and notifications are unique per timer cycle and
    recipient. Only a breach whose policy moves the ticket (raise its priority, give it to the
    supervisor, escalate) takes further queries, for that ticket.
    """
    now = now or timezone.now()
    timers = list(TicketSLATimer.objects.select_for_update(skip_locked=True)
                  .filter(pk__in=list(timer_ids), next_check_at__lte=now).order_by("pk"))
    if not timers:
        return {}
    tickets = Ticket.objects.select_related("team", "team__supervisor", "assignee").in_bulk({t.ticket_id for t in timers})
    policies = {row.ticket_id: row.policy
                for row in TicketSLA.objects.filter(ticket_id__in=list(tickets)).select_related("policy")}
    outcomes: dict[int, str | None] = {}
    events, notifications, moves = [], [], []
    for timer in timers:
        ticket, policy = tickets[timer.ticket_id], policies.get(timer.ticket_id)
        if timer.met_at or timer.paused_at or timer.due_at is None:
            outcomes[timer.pk] = "cleared"
        elif timer.breached_at is None and timer.due_at <= now:
            timer.breached_at, timer.warned_at = now, timer.warned_at or now
            due = timezone.localtime(timer.due_at).strftime("%Y-%m-%d %H:%M")
            events.append(TicketEvent(ticket=ticket, kind=TicketEvent.Kind.SLA_BREACH, to_value=timer.target,
                                      note=_("Due %(due)s") % {"due": due}))
            notifications += _notifications(_breach_recipients(ticket, policy), ticket=ticket, timer=timer,
                                            kind=Notification.Kind.SLA_BREACH)
            moves.append((ticket, timer, policy))
            outcomes[timer.pk] = "breach"
        elif timer.warned_at is None and timer.warning_at and timer.warning_at <= now:
            events.append(TicketEvent(ticket=ticket, kind=TicketEvent.Kind.SLA_WARNING, to_value=timer.target))
            recipients = [ticket.assignee] if ticket.assignee else [ticket.team.supervisor]
            notifications += _notifications(recipients, ticket=ticket, timer=timer, kind=Notification.Kind.SLA_WARNING)
            outcomes[timer.pk] = "warning"
        else:
            outcomes[timer.pk] = "later"
    _timers_write(outcomes, now=now)
    TicketEvent.objects.bulk_create(events)
    if notifications:
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)  # given already: the unique key
        _notifications_announce(notifications)
    for ticket in {pk: checked for pk, checked in ((event.ticket_id, event.ticket) for event in events)}.values():
        live.ticket_live_publish(ticket=ticket, kind=live.SLA)  # a warning or breach changes the lists' SLA column
    for ticket, timer, policy in moves:
        _sla_breach_moves(ticket=ticket, timer=timer, policy=policy)
    return {pk: outcome if outcome in ("warning", "breach") else None for pk, outcome in outcomes.items()}


def _timers_write(outcomes: dict[int, str], *, now: dt.datetime) -> None:
    """Write the checked timers' new state: one UPDATE per kind of outcome, whatever the number of timers."""
    groups: dict[str, list[int]] = {}
    for pk, outcome in outcomes.items():
        groups.setdefault(outcome, []).append(pk)
    writes = {
        "cleared": {"next_check_at": None},
        "breach": {"breached_at": now, "warned_at": Coalesce("warned_at", Value(now)), "next_check_at": None},
        "warning": {"warned_at": now, "next_check_at": F("due_at")},
        # As _next_check: nothing after a breach, the warning while it is pending, else the deadline.
        "later": {"next_check_at": Case(When(breached_at__isnull=False, then=Value(None)),
                                        When(warned_at__isnull=True, warning_at__isnull=False, then=F("warning_at")),
                                        default=F("due_at"), output_field=DateTimeField())},
    }
    for outcome, ids in groups.items():
        TicketSLATimer.objects.filter(pk__in=ids).update(**writes[outcome])


def _breach_recipients(ticket: Ticket, policy: SLAPolicy | None) -> list:
    """Return who a breach tells: the assignee and the supervisor as the policy says (both without a policy)."""
    recipients = []
    if policy is None or policy.notify_assignee:
        recipients.append(ticket.assignee)
    if policy is None or policy.notify_supervisor:
        recipients.append(ticket.team.supervisor)
    return recipients


def _sla_breach_moves(*, ticket: Ticket, timer: TicketSLATimer, policy: SLAPolicy | None) -> None:
    """Act on a breach as the policy says: raise the priority, give the ticket to the supervisor, escalate."""
    if policy is None:
        return
    supervisor = ticket.team.supervisor
    fields = []
    if policy.raise_priority and ticket.priority in PRIORITY_UP:
        TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.PRIORITY, from_value=ticket.priority,
                                   to_value=PRIORITY_UP[ticket.priority], note=_("SLA breached"))
        ticket.priority = PRIORITY_UP[ticket.priority]
        fields.append("priority")
    if policy.move_to_supervisor and supervisor and ticket.assignee_id != supervisor.pk:
        TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED,
                                   from_value=str(ticket.assignee or ""), to_value=str(supervisor),
                                   note=_("SLA breached"))
        ticket.assignee = supervisor
        fields.append("assignee")
    if fields:
        ticket.updated_at = timezone.now()
        ticket.save(update_fields=[*fields, "updated_at"])
        ticket_sla_refresh(ticket=ticket)
    level = getattr(policy, f"escalate_{timer.target}", "")
    if level and escalation_level(ticket) < ESCALATION_LEVELS.index(level) + 1:
        try:
            ticket_escalate(ticket=ticket, actor=None, level=level,
                            reason=_("%(target)s deadline breached") % {"target": Target(timer.target).label})
        except ValidationError as refusal:  # nobody to escalate to: the breach and its notifications stand
            logger.warning("SLA breach of ticket %s not escalated: %s", ticket.pk, refusal.messages)


def _notification_text(ticket: Ticket, timer: TicketSLATimer, kind: str) -> str:
    label = Target(timer.target).label
    if kind == Notification.Kind.SLA_BREACH:
        return _("%(number)s: %(target)s deadline breached") % {"number": ticket.number, "target": label}
    return _("%(number)s: %(target)s deadline approaching") % {"number": ticket.number, "target": label}


def _notification_key(timer: TicketSLATimer, kind: str) -> str:
    """Return the timer cycle's notification key (``{user}`` for the recipient); an extension may notify once more."""
    key = f"{kind}:{timer.pk}:{timer.cycle}:{{user}}"
    if timer.extended_minutes:
        key += f":+{timer.extended_minutes:g}"
    return key


def _notifications(recipients, *, ticket: Ticket, timer: TicketSLATimer, kind: str) -> list[Notification]:
    """Return the unsaved notifications of a timer's warning or breach, one per distinct recipient."""
    text, key = _notification_text(ticket, timer, kind)[:255], _notification_key(timer, kind)
    return [Notification(recipient=user, ticket=ticket, kind=kind, text=text, dedupe_key=key.format(user=user.pk))
            for user in {user.pk: user for user in recipients if user is not None}.values()]


def notify_once(recipients, *, ticket: Ticket, kind: str, text: str, key: str) -> int:
    """Create one notification per distinct recipient, once per ``key`` (``{user}`` in it is the recipient's id).

    The key is unique: a notification already given is not given again. Return how many were created.
    """
    given = []
    for user in {user.pk: user for user in recipients if user is not None}.values():
        try:
            with transaction.atomic():
                given.append(Notification.objects.create(recipient=user, ticket=ticket, kind=kind, text=text[:255],
                                                         dedupe_key=key.format(user=user.pk)))
        except IntegrityError:
            continue
    if given:
        _notifications_announce(given)
    return len(given)


def _notifications_announce(notifications: list[Notification]) -> None:
    """After commit: drop the recipients' cached badge counts, then tell their open pages (in that order)."""
    recipient_ids = [notification.recipient_id for notification in notifications]
    transaction.on_commit(lambda: notification_unread_forget(user_ids=recipient_ids))
    live.notification_live_publish(notifications=notifications)


# Force majeure (不可抗力): supervisors extend or pause deadlines, with a reason the customer is told.

def _customer_told(ticket: Ticket, actor, text, reason: str) -> None:
    """Write the force-majeure notice into the ticket's thread and send it to the customer (their channel, language)."""
    ticket_message_add(ticket=ticket, actor=actor, sender=TicketMessage.Sender.SYSTEM, body=str(text) % {"reason": reason})
    if ticket.channel == Ticket.Channel.EMAIL:
        return  # the message above is mailed in the ticket's thread
    with translation.override(settings.LANGUAGE_CODE):
        body = str(text) % {"reason": reason}
        subject = _("Your request %(number)s") % {"number": ticket.number}
    notice_send(customer=ticket.customer, kind=NoticeKind.DEADLINE_EXTENDED, ticket=ticket, body=body, subject=subject,
                context={"number": ticket.number, "reason": reason}, language=settings.LANGUAGE_CODE)


def _ensure_supervisor(actor) -> None:
    if not actor.has_perm("sla.extend_sla"):
        raise PermissionDenied(_("Only a supervisor may extend or pause SLA deadlines."))


@transaction.atomic
def ticket_sla_extend(*, ticket: Ticket, actor, minutes: int, reason: str, target: str | None = None) -> TicketSLA:
    """Extend the ticket's running deadlines by ``minutes`` (of each target's measure) for force majeure."""
    _ensure_supervisor(actor)
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    timers = TicketSLATimer.objects.select_for_update().filter(ticket=ticket, met_at__isnull=True)
    if target:
        timers = timers.filter(target=target)
    for timer in timers:
        timer.extended_minutes += minutes
        timer.is_excused = True
        timer.save(update_fields=["extended_minutes", "is_excused"])
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.SLA_EXTENDED, actor=actor,
                               to_value=f"+{minutes} min {target or ''}".strip(), note=reason)
    state = ticket_sla_refresh(ticket=ticket, record_events=False)
    _extension_notice(ticket=ticket, actor=actor, reason=reason)
    now = timezone.now()
    for timer in timers.filter(breached_at__isnull=False, due_at__gt=now):
        _breach_lift(timer, now=now)
    return state


def _extension_notice(*, ticket: Ticket, actor, reason: str) -> None:
    """Tell the customer the new promised time and the reason, on the ticket and on its channel.

    The notice is a message on the ticket (an e-mail ticket mails it through the outbound mail path);
    a ticket of any other channel gets it through the follow-up messaging path, after commit.
    """
    promised = ticket_promised_times(ticket=ticket)
    due = promised["resolution"] or promised["first_response"]
    with translation.override(settings.LANGUAGE_CODE):
        if due is not None:
            body = _("Because of circumstances beyond our control (%(reason)s), the time limit for handling your "
                     "request %(number)s has been extended to %(due)s (Beijing time). Thank you for your patience.") % {
                "reason": reason, "number": ticket.number, "due": instant_text(due)}
        else:
            body = _("Because of circumstances beyond our control (%(reason)s), the time limit for handling your "
                     "request %(number)s has been extended. Thank you for your patience.") % {
                "reason": reason, "number": ticket.number}
    ticket_message_add(ticket=ticket, actor=actor, sender=TicketMessage.Sender.SYSTEM, body=body)
    if ticket.channel != Ticket.Channel.EMAIL:  # an e-mail ticket mails the message above in its thread
        notice_send(customer=ticket.customer, kind=NoticeKind.DEADLINE_EXTENDED, ticket=ticket, body=body,
                    subject=_("Your request %(number)s") % {"number": ticket.number},
                    context={"number": ticket.number, "reason": reason}, language=settings.LANGUAGE_CODE)


@transaction.atomic
def ticket_sla_pause(*, ticket: Ticket, actor, reason: str) -> TicketSLA:
    """Pause every running deadline of the ticket for force majeure until a supervisor resumes it."""
    _ensure_supervisor(actor)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    state, _created = TicketSLA.objects.get_or_create(ticket=ticket)
    if not state.is_held:
        state.is_held, state.held_reason = True, reason
        state.save(update_fields=["is_held", "held_reason"])
        TicketSLATimer.objects.filter(ticket=ticket, met_at__isnull=True).update(is_excused=True)
        TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.SLA_PAUSED, actor=actor, note=reason)
        _customer_told(ticket, actor, gettext_lazy(
            "Because of circumstances beyond our control (%(reason)s), the time limit for handling your request "
            "is paused. We will continue as soon as possible."
        ), reason)
    return ticket_sla_refresh(ticket=ticket, record_events=False)


@transaction.atomic
def ticket_sla_resume(*, ticket: Ticket, actor) -> TicketSLA:
    """Resume the ticket's deadlines after a force-majeure pause; paused time does not count."""
    _ensure_supervisor(actor)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    state, _created = TicketSLA.objects.get_or_create(ticket=ticket)
    if state.is_held:
        state.is_held = False
        state.save(update_fields=["is_held"])
        TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.SLA_RESUMED, actor=actor,
                                   note=state.held_reason)
    return ticket_sla_refresh(ticket=ticket, record_events=False)


def sla_timers_recompute_open(*, policy_id: int | None = None, batch: int = 500) -> int:
    """Recompute the timers of every open ticket (or those on one policy) after a policy change; return the count."""
    tickets = Ticket.objects.exclude(status__in=DONE_STATUSES).select_related("customer").order_by("pk")
    if policy_id is not None:
        tickets = tickets.filter(sla__policy_id=policy_id)
    return _each_ticket(tickets, lambda ticket: ticket_sla_refresh(ticket=ticket), batch=batch)


def _each_ticket(tickets, refresh, *, batch: int) -> int:
    """Call ``refresh(ticket)`` for each ticket, one transaction each, reading ``batch`` at a time; return the count."""
    count, last = 0, 0
    while True:
        chunk = list(tickets.filter(pk__gt=last)[:batch])
        if not chunk:
            return count
        for ticket in chunk:
            with transaction.atomic():
                refresh(ticket)
            count += 1
        last = chunk[-1].pk


def sla_timers_recompute_for_calendar_year(*, calendar_id: int, year: int, reason: str,
                                           progress=None) -> dict[str, int]:
    """Recompute the open deadlines of tickets on the calendar that read ``year``; record each shift on the ticket.

    A warning or breach already recorded stays recorded and is not given again (``warned_at``/``breached_at``
    are kept); a deadline moved into the past is breached by the next sweep, once.
    ``progress(checked=…, shifted=…, total=…)`` is called per batch.
    """
    ticket_ids = _open_ticket_ids_reading(
        TicketSLATimer.objects.filter(ticket__sla__policy__calendar_id=calendar_id), calendar_id=calendar_id, year=year)
    return calendar_recompute_each(ticket_ids, lambda pk: ticket_sla_recompute(ticket_id=pk, reason=reason), progress)


@transaction.atomic
def _open_ticket_ids_reading(deadlines, *, calendar_id: int, year: int) -> list[int]:
    """Return the open tickets of these deadline rows (not met) that are provisional or due in ``year`` or later."""
    tz = ZoneInfo(BusinessCalendar.objects.values_list("timezone", flat=True).get(pk=calendar_id))
    year_start = dt.datetime(year, 1, 1, tzinfo=tz)
    return sorted(set(
        deadlines.filter(met_at__isnull=True).filter(Q(is_provisional=True) | Q(due_at__gte=year_start))
        .exclude(ticket__status__in=DONE_STATUSES).values_list("ticket_id", flat=True)
    ))


def ticket_sla_recompute(*, ticket_id: int, reason: str) -> int:
    """Recompute a ticket's SLA deadlines after its calendar changed; record each moved due time; return how many moved."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("customer").filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    # The sweeper's check locks the timer row too: a warning or breach is recorded before or after this, never both.
    before = {timer.pk: (timer.target, timer.due_at)
              for timer in TicketSLATimer.objects.select_for_update().filter(ticket=ticket, met_at__isnull=True)}
    ticket_sla_refresh(ticket=ticket, record_events=False)
    return _moves_record(ticket, TicketSLATimer.objects.filter(pk__in=before), before,
                         kind=TicketEvent.Kind.SLA_RECOMPUTED, label=lambda target: Target(target).label, reason=reason)


def _moves_record(ticket: Ticket, rows, before: dict, *, kind: str, label, reason: str) -> int:
    """Record a ticket event for each deadline row whose due time moved from ``before`` ({pk: (name, due)}); return
    how many moved."""
    moved = 0
    for row in rows.order_by("pk"):
        name, old = before[row.pk]
        if row.due_at == old:
            continue
        moved += 1
        TicketEvent.objects.create(ticket=ticket, kind=kind, from_value=instant_text(old),
                                   to_value=instant_text(row.due_at), note=f"{label(name)}: {reason}")
    return moved


# Complaint step deadlines (投诉处理时效): counted from intake on the step policy's calendar, stored and swept.

STEP_COMPUTED_FIELDS = ("policy_id", "due_at", "warning_at", "next_check_at", "met_at", "is_provisional", "problem")


def step_policies_active() -> list[StepPolicy]:
    """Return the active step policies in matching order, with their calendars and rules."""
    return list(StepPolicy.objects.filter(is_active=True).select_related("calendar").prefetch_related("rules")
                .order_by("position", "id"))


def step_policy_match(ticket: Ticket, policies) -> StepPolicy | None:
    """Return the first active step policy of the ticket's kind and category (a parent category matches too)."""
    categories = {ticket.category_id, ticket.category.parent_id if ticket.category_id else None} - {None}
    for policy in policies:
        if policy.kind and policy.kind != ticket.kind:
            continue
        if policy.category_id and policy.category_id not in categories:
            continue
        return policy
    return None


def _step_next_check(deadline: TicketStepDeadline, *, is_active: bool) -> dt.datetime | None:
    """Return when the sweeper must look at the step deadline next, or None when nothing is pending."""
    if not is_active or deadline.met_at or deadline.due_at is None or deadline.breached_at:
        return None
    return deadline.warning_at if deadline.warned_at is None and deadline.warning_at else deadline.due_at


def ticket_steps_refresh(*, ticket: Ticket) -> StepPolicy | None:
    """Recompute the ticket's step deadlines under its step policy; a warning or breach already given stays given.

    Call in the transaction of any change of the ticket's status, kind or category. Without a matching policy,
    deadlines neither met nor breached are dropped.
    """
    deadlines = {deadline.step: deadline for deadline in TicketStepDeadline.objects.filter(ticket=ticket)}
    policy = step_policy_match(ticket, step_policies_active())
    rules = {rule.step: rule for rule in policy.rules.all()} if policy else {}
    stale = [d.pk for step, d in deadlines.items() if step not in rules and d.met_at is None and d.breached_at is None]
    if stale:
        TicketStepDeadline.objects.filter(pk__in=stale).delete()
    if policy is None:
        return None
    spec = calendar_spec(policy.calendar)
    completed = dict(TicketStep.objects.filter(ticket=ticket).values_list("step", "completed_at"))
    is_active = ticket.status not in DONE_STATUSES
    for step, rule in rules.items():
        deadline = deadlines.get(step) or TicketStepDeadline(ticket=ticket, step=step)
        before = [getattr(deadline, name) for name in STEP_COMPUTED_FIELDS]
        deadline.policy_id, deadline.met_at = policy.pk, completed.get(step)
        try:
            deadline.due_at, deadline.warning_at, deadline.is_provisional = sla_due_and_warning(
                spec, rule.unit, ticket.created_at, rule.value, warning_percent=policy.warning_percent)
            deadline.problem = ""
        except (UncoveredYearError, NoWorkingTimeError) as exc:
            deadline.due_at = deadline.warning_at = None
            deadline.problem, deadline.is_provisional = str(exc)[:255], False
        deadline.next_check_at = _step_next_check(deadline, is_active=is_active)
        if deadline.pk is None:
            deadline.save()
            continue
        changed = [name for name, old in zip(STEP_COMPUTED_FIELDS, before) if getattr(deadline, name) != old]
        if changed:
            deadline.save(update_fields=changed)
    return policy


def ticket_step_deadline_meet(*, ticket: Ticket, step: str, at: dt.datetime) -> bool:
    """Record that the step was completed at ``at``: its deadline stops being swept; return whether one was met."""
    return bool(TicketStepDeadline.objects.filter(ticket=ticket, step=step, met_at__isnull=True)
                .update(met_at=at, next_check_at=None))


def step_deadline_sweep_due(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Enqueue the checks of the step deadlines whose warning or due time has come (indexed range query)."""
    return _sweep(TicketStepDeadline, "step_deadline_checks_enqueue", now=now, limit=limit)


def step_deadline_check_many(*, deadline_ids: list[int]) -> int:
    """Check each of these step deadlines in its own transaction; return how many recorded a warning or breach."""
    return sum(1 for deadline_id in deadline_ids if step_deadline_check(deadline_id=deadline_id))


@transaction.atomic
def step_deadline_check(*, deadline_id: int, now: dt.datetime | None = None) -> str | None:
    """Record a due step warning or breach exactly once and notify (and escalate); return what happened.

    Each is a conditional update on the old state (not met, not yet warned or breached): of two checks at
    once, only the one whose update changed the row goes on to the event and the notifications.
    """
    now = now or timezone.now()
    deadline = TicketStepDeadline.objects.filter(pk=deadline_id).select_related("policy").first()
    if deadline is None or deadline.next_check_at is None or deadline.next_check_at > now:
        return None
    # The ticket's row lock, taken first as the ticket services do: a step completed meanwhile is seen, and two
    # steps of one ticket breached at once escalate it once.
    ticket = (Ticket.objects.select_for_update(of=("self",)).select_related("team", "team__supervisor", "assignee")
              .get(pk=deadline.ticket_id))
    deadline.refresh_from_db(fields=["met_at"])
    pending = TicketStepDeadline.objects.filter(pk=deadline.pk, met_at__isnull=True)
    if deadline.met_at or deadline.due_at is None or ticket.status in DONE_STATUSES:
        pending.update(next_check_at=None)
        return None
    label = TicketStep.Step(deadline.step).label
    if deadline.due_at <= now and pending.filter(breached_at__isnull=True).update(
            breached_at=now, warned_at=Coalesce("warned_at", Value(now)), next_check_at=None):
        TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.STEP_BREACH, to_value=deadline.step,
                                   note=_("Due %(due)s") % {"due": instant_text(deadline.due_at)})
        _step_breach_actions(ticket=ticket, deadline=deadline, label=label)
        return "breach"
    if deadline.warning_at and deadline.warning_at <= now < deadline.due_at and pending.filter(
            warned_at__isnull=True, breached_at__isnull=True).update(warned_at=now, next_check_at=deadline.due_at):
        TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.STEP_WARNING, to_value=deadline.step,
                                   note=_("Due %(due)s") % {"due": instant_text(deadline.due_at)})
        notify_once([ticket.assignee or ticket.team.supervisor], ticket=ticket, kind=Notification.Kind.STEP_WARNING,
                    text=_("%(number)s: step %(step)s due soon") % {"number": ticket.number, "step": label},
                    key=f"{Notification.Kind.STEP_WARNING}:{deadline.pk}:{{user}}")
        return "warning"
    deadline.refresh_from_db(fields=["warned_at", "breached_at", "met_at"])
    pending.update(next_check_at=_step_next_check(deadline, is_active=True))
    return None


def _step_breach_actions(*, ticket: Ticket, deadline: TicketStepDeadline, label: str) -> None:
    """Notify and escalate as the step policy says; without a policy (deleted), notify the assignee and supervisor."""
    policy, supervisor = deadline.policy, ticket.team.supervisor
    recipients = []
    if policy is None or policy.notify_assignee:
        recipients.append(ticket.assignee)
    if policy is None or policy.notify_supervisor:
        recipients.append(supervisor)
    notify_once(recipients, ticket=ticket, kind=Notification.Kind.STEP_BREACH,
                text=_("%(number)s: step %(step)s overdue") % {"number": ticket.number, "step": label},
                key=f"{Notification.Kind.STEP_BREACH}:{deadline.pk}:{{user}}")
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["updated_at"])  # the KPI facts are re-measured from changed tickets
    if policy is not None and policy.escalate and escalation_level(ticket) < 1:
        try:
            ticket_escalate(ticket=ticket, actor=None, level=ESCALATION_LEVELS[0],
                            reason=_("Step %(step)s overdue") % {"step": label})
        except ValidationError as refusal:  # nobody to escalate to: the breach and its notifications stand
            logger.warning("Overdue step of ticket %s not escalated: %s", ticket.pk, refusal.messages)


def step_deadlines_recompute_open(*, batch: int = 500) -> int:
    """Recompute the step deadlines of every open ticket after step policies changed; return the count."""
    tickets = Ticket.objects.exclude(status__in=DONE_STATUSES).select_related("category").order_by("pk")
    return _each_ticket(tickets, lambda ticket: ticket_steps_refresh(ticket=ticket), batch=batch)


def step_deadlines_recompute_for_calendar_year(*, calendar_id: int, year: int, reason: str,
                                               progress=None) -> dict[str, int]:
    """Recompute the open step deadlines of tickets on the calendar that read ``year``; record each shift on the ticket.

    As for SLA timers, a warning or breach already recorded stays recorded and is not given again.
    """
    ticket_ids = _open_ticket_ids_reading(TicketStepDeadline.objects.filter(policy__calendar_id=calendar_id),
                                          calendar_id=calendar_id, year=year)
    return calendar_recompute_each(ticket_ids, lambda pk: ticket_step_deadlines_recompute(ticket_id=pk, reason=reason),
                                   progress)


@transaction.atomic
def ticket_step_deadlines_recompute(*, ticket_id: int, reason: str) -> int:
    """Recompute a ticket's step deadlines after its calendar changed; record each moved due time; return how many moved."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("category").filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    before = {deadline.pk: (deadline.step, deadline.due_at) for deadline in
              TicketStepDeadline.objects.select_for_update().filter(ticket=ticket, met_at__isnull=True)}
    ticket_steps_refresh(ticket=ticket)
    return _moves_record(ticket, TicketStepDeadline.objects.filter(pk__in=before), before,
                         kind=TicketEvent.Kind.STEP_RECOMPUTED, label=lambda step: TicketStep.Step(step).label,
                         reason=reason)


# Department tasks (部门任务): their due times swept like SLA timers.

# What each outcome of a task's check records: the event kind, which is also the notification kind.
TASK_OUTCOMES = {"warning": TicketEvent.Kind.TASK_WARNING, "overdue": TicketEvent.Kind.TASK_OVERDUE,
                 "escalated": TicketEvent.Kind.TASK_ESCALATED}


def internal_task_sweep_due(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Enqueue the checks of the internal tasks whose warning, due time or escalation has come (indexed range query)."""
    return _sweep(InternalTask, "internal_task_checks_enqueue", now=now, limit=limit)


def internal_task_check_many(*, task_ids: list[int]) -> int:
    """Check these tasks as one batch; return how many recorded a warning, an overdue or an escalation."""
    return sum(1 for outcome in internal_tasks_check(task_ids=task_ids).values() if outcome)


@transaction.atomic
def internal_tasks_check(*, task_ids, now: dt.datetime | None = None) -> dict[int, str | None]:
    """Record the due warnings, overdues and escalations of these tasks once each; return what happened to each.

    A warning goes to whoever works the task (its assignee, else its team) before it is due, the overdue to
    them and the ticket's agent at its due time, the escalation to the department's lead (the team's
    supervisor, else the ticket team's) a grace period later. Exactly once: the tasks are locked (rows another
    worker holds are skipped), each outcome is stamped on the task and its next check moved on in the same
    transaction. A constant number of queries for the batch, whatever its size.
    """
    now = now or timezone.now()
    warn = dt.timedelta(minutes=settings.TASKS_WARN_BEFORE_MINUTES)
    grace = dt.timedelta(minutes=settings.TASKS_ESCALATE_AFTER_MINUTES)
    tasks = list(InternalTask.objects.select_for_update(of=("self",), skip_locked=True)
                 .select_related("ticket__assignee", "ticket__team__supervisor", "team__supervisor", "assignee")
                 .filter(pk__in=list(task_ids), next_check_at__lte=now).order_by("pk"))
    if not tasks:
        return {}
    people = internal_task_team_people(tasks)
    outcomes: dict[int, str] = {}
    events, notifications = [], []
    for task in tasks:
        ticket = task.ticket
        workers = [task.assignee] if task.assignee else people.get(task.pk, [])
        due = {"number": ticket.number, "title": task.title, "due": instant_text(task.due_at)} if task.due_at else {}
        if task.is_done or task.due_at is None:
            outcome, recipients, text = "cleared", [], ""
        elif task.overdue_at and task.escalated_at is None and task.due_at + grace <= now:
            lead = task.team.supervisor if task.team else ticket.team.supervisor
            outcome, recipients = "escalated", [lead]
            text = _("%(number)s: task overdue since %(due)s, escalated to you: %(title)s") % due
        elif task.overdue_at is None and task.due_at <= now:
            outcome, recipients = "overdue", [*workers, ticket.assignee]
            text = _("%(number)s: task overdue (due %(due)s): %(title)s") % due
        elif task.warned_at is None and task.overdue_at is None and task.due_at - warn <= now:
            outcome, recipients = "warning", workers
            text = _("%(number)s: task due %(due)s: %(title)s") % due
        else:
            outcome, recipients, text = "later", [], ""
        outcomes[task.pk] = outcome
        if outcome in TASK_OUTCOMES:
            kind = TASK_OUTCOMES[outcome]
            events.append(TicketEvent(ticket=ticket, kind=kind, to_value=task.get_department_display(),
                                      note=_("%(title)s, due %(due)s") % due))
            notifications += _notifications_for(recipients, kind=kind, text=text, ticket=ticket, link=task_link())
    writes = {"warning": {"warned_at": now}, "overdue": {"overdue_at": now, "warned_at": Coalesce("warned_at", Value(now))},
              "escalated": {"escalated_at": now}}
    for outcome, fields in writes.items():
        ids = [pk for pk, done in outcomes.items() if done == outcome]
        if ids:
            InternalTask.objects.filter(pk__in=ids).update(**fields)
    InternalTask.objects.filter(pk__in=list(outcomes)).update(next_check_at=internal_task_next_check())
    TicketEvent.objects.bulk_create(events)
    if notifications:
        notifications_send(notifications)
    return {pk: outcome if outcome in TASK_OUTCOMES else None for pk, outcome in outcomes.items()}


def task_link() -> str:
    """Return the department-task queue's path, where a task notification leads."""
    return reverse("tickets:task_queue")


def task_notify(*, recipients, task, kind: str, text: str) -> list[Notification]:
    """Tell the people of a department task what happened to it (created, given, done), in the app and by e-mail."""
    link = reverse("tickets:ticket_detail", args=[task.ticket_id]) if kind == Notification.Kind.TASK_DONE else task_link()
    return notification_send(recipients=recipients, kind=kind, text=text, ticket=task.ticket, link=link)


# In-app notifications (站内通知).

def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (idempotent); raise ``Notification.DoesNotExist``."""
    notification = Notification.objects.select_related("ticket").get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
        notification_unread_forget(user_ids=[user.pk])
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    notification_unread_forget(user_ids=[user.pk])
    return marked



def _notifications_for(recipients, *, kind: str, text: str, ticket=None, link: str = "") -> list[Notification]:
    """Return the unsaved notifications of one message, one per distinct active recipient."""
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    return [Notification(recipient=user, ticket=ticket, kind=kind, text=text[:255], link=link[:200])
            for user in users.values()]


def notifications_send(notifications: list[Notification]) -> list[Notification]:
    """Save these notifications in one query and, once the change commits, e-mail those whose recipient has an address."""
    from sla import tasks  # the tasks call this module: imported when used

    notifications = Notification.objects.bulk_create(notifications)
    mailed = [notification.pk for notification in notifications if notification.recipient.email]
    _notifications_announce(notifications)
    transaction.on_commit(lambda: enqueue_each(tasks.notification_email_send, "notification_id", mailed))
    return notifications


def notification_send(*, recipients, kind: str, text: str, ticket=None, link: str = "") -> list[Notification]:
    """Notify each distinct active recipient in the app and, once the change commits, by e-mail to those with an address."""
    return notifications_send(_notifications_for(recipients, kind=kind, text=text, ticket=ticket, link=link))


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification to its recipient, once: the row stays locked while the mail goes; return whether it went."""
    with transaction.atomic():
        notification = (Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                        .filter(pk=notification_id, emailed_at__isnull=True).first())
        if notification is None or not notification.recipient.email:
            return False
        link = settings.PUBLIC_BASE_URL + notification.link if notification.link else ""
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(notification.text, f"{notification.text}\n\n{link}".strip(), None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def escalation_notify(*, ticket: Ticket, holder, actor, reason: str) -> list[Notification]:
    """Tell whoever a ticket was escalated to, in the app and by e-mail."""
    text = _("%(number)s escalated to you by %(who)s: %(reason)s") % {
        "number": ticket.number, "who": actor or _("the SLA"), "reason": reason}
    return notification_send(recipients=[holder], ticket=ticket, text=text, kind=Notification.Kind.ESCALATED)


def approval_notify(*, recipients, text: str, ticket=None, link: str = "", decided: bool = False) -> list[Notification]:
    """Tell approvers of a request waiting for them, or a proposer of the decision (in the app and by e-mail)."""
    return notification_send(recipients=recipients, ticket=ticket, text=text, link=link,
                             kind=Notification.Kind.DECISION if decided else Notification.Kind.APPROVAL)
