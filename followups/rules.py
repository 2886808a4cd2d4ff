"""Which sources a follow-up rule makes due, and when: set-based candidate queries, due times and quiet hours.

A candidate is a source (order, return, ticket, or the customer for monthly/birthday/holiday rules) that
became due within the look-back window and has no visit of this rule yet (an anti-join on the unique key).
Due times use the business-time module; calls and messages never fall in quiet hours, calls never on a
statutory holiday (法定节假日) when the rule says so.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Customer
from followups.models import FollowUpRule, FollowUpVisit
from helpdesk import business_time
from helpdesk.calendars import calendar_spec
from helpdesk.models import BusinessCalendar
from orders.models import Order, ReturnRequest
from tickets.models import Ticket

logger = logging.getLogger(__name__)
DEFAULT_CALENDAR = "china-back-office"
Trigger = FollowUpRule.Trigger
SourceType = FollowUpVisit.SourceType


@dataclass(frozen=True)
class Candidate:
    """A source due for a visit of one rule."""

    source_type: str
    source_id: int
    period: str
    customer_id: int
    source_at: dt.datetime
    order_id: int | None = None
    return_id: int | None = None
    ticket_id: int | None = None
    handler_id: int | None = None
    team_id: int | None = None


def is_quiet(local: dt.datetime, start: dt.time, end: dt.time) -> bool:
    """Return whether a local wall time falls in the quiet hours [start, end) (which may run across midnight)."""
    clock = local.timetz().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def quiet_adjust(instant: dt.datetime, *, start: dt.time, end: dt.time, tz, holidays: frozenset = frozenset()) -> dt.datetime:
    """Return the instant, or the first moment after it outside quiet hours and off the given holidays."""
    local = instant.astimezone(tz)
    for _ in range(400):
        if is_quiet(local, start, end):
            day = local.date() if local.timetz().replace(tzinfo=None) < end else local.date() + dt.timedelta(days=1)
            local = dt.datetime.combine(day, end, tzinfo=tz)
            continue
        if local.date() in holidays:
            local = dt.datetime.combine(local.date() + dt.timedelta(days=1), end if start != end else dt.time(0), tzinfo=tz)
            continue
        return local
    return local


class _Holidays:
    """The calendar's holidays as a set to test days against: official, or by rule in a provisional year."""

    def __init__(self, spec: business_time.CalendarSpec):
        self.spec = spec

    def __contains__(self, day: dt.date) -> bool:
        return business_time.is_holiday(self.spec, day)


class Schedule:
    """The due-time arithmetic of one rule: delay (business or calendar days), quiet hours, holidays."""

    def __init__(self, rule: FollowUpRule):
        self.rule = rule
        try:
            self.spec = calendar_spec(rule.calendar) if rule.calendar_id else calendar_spec(DEFAULT_CALENDAR)
        except BusinessCalendar.DoesNotExist:
            self.spec = None
        self.tz = self.spec.tz if self.spec else timezone.get_default_timezone()
        is_call = rule.kind == FollowUpRule.Kind.CALL
        self.holidays = _Holidays(self.spec) if (self.spec and is_call and rule.is_holiday_quiet) else frozenset()

    def adjust(self, instant: dt.datetime) -> dt.datetime:
        """Return the first allowed moment at or after the instant."""
        return quiet_adjust(instant, start=self.rule.quiet_start, end=self.rule.quiet_end, tz=self.tz, holidays=self.holidays)

    def due_at(self, source_at: dt.datetime) -> dt.datetime:
        """Return when the visit for a source that happened at source_at is due."""
        days = self.rule.delay_days
        due = source_at + dt.timedelta(days=days)
        if days and self.rule.delay_unit == FollowUpRule.DelayUnit.BUSINESS_DAYS and self.spec is not None:
            try:
                due = business_time.add_business_days(self.spec, source_at, days)
            except (business_time.UncoveredYearError, business_time.NoWorkingTimeError) as exc:
                logger.warning("follow-up rule %s: %s; counting calendar days", self.rule.code, exc)
        return self.adjust(due)

    def is_provisional(self, source_at: dt.datetime, due: dt.datetime) -> bool:
        """Return whether a due time counted in business days reads a year without the official holiday schedule."""
        counts_business_days = self.rule.delay_days and self.rule.delay_unit == FollowUpRule.DelayUnit.BUSINESS_DAYS
        return bool(counts_business_days and self.spec is not None
                    and business_time.is_provisional(self.spec, source_at, due))


def _not_visited(rule: FollowUpRule, source_type: str, period: str = ""):
    return ~Exists(FollowUpVisit.objects.filter(rule=rule, source_type=source_type, source_id=OuterRef("pk"), period=period))


def _window(rule: FollowUpRule, now: dt.datetime, lookback_days: int) -> tuple[dt.datetime, dt.datetime]:
    # Business days are never shorter than calendar days, so this window holds every business-day candidate too.
    newest = now - dt.timedelta(days=rule.delay_days)
    return newest - dt.timedelta(days=lookback_days), newest


def _segment(rule: FollowUpRule, queryset):
    if rule.segment_level:
        queryset = queryset.filter(level=rule.segment_level)
    if rule.segment_tag:
        queryset = queryset.filter(tags__contains=[rule.segment_tag])
    return queryset


def candidates(rule: FollowUpRule, *, now: dt.datetime, lookback_days: int, limit: int) -> list[Candidate]:
    """Return up to limit sources this rule makes due by now that have no visit of the rule yet."""
    oldest, newest = _window(rule, now, lookback_days)
    if rule.trigger == Trigger.ORDER_DELIVERED:
        rows = (Order.objects.filter(delivered_at__gt=oldest, delivered_at__lte=newest)
                .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
                .filter(_not_visited(rule, SourceType.ORDER)).order_by()
                .values_list("pk", "customer_id", "delivered_at")[:limit])
        return [Candidate(SourceType.ORDER, pk, "", customer, at, order_id=pk) for pk, customer, at in rows]
    if rule.trigger in (Trigger.RETURN_CLOSED, Trigger.EXCHANGE_CLOSED):
        kinds = ([ReturnRequest.Kind.EXCHANGE] if rule.trigger == Trigger.EXCHANGE_CLOSED
                 else [ReturnRequest.Kind.RETURN, ReturnRequest.Kind.REFUND_ONLY])
        rows = (ReturnRequest.objects.filter(status=ReturnRequest.Status.CLOSED, kind__in=kinds,
                                             closed_at__gt=oldest, closed_at__lte=newest)
                .filter(_not_visited(rule, SourceType.RETURN)).order_by()
                .values_list("pk", "customer_id", "closed_at", "order_id", "ticket_id", "ticket__assignee_id", "ticket__team_id")[:limit])
        return [Candidate(SourceType.RETURN, pk, "", customer, at, order_id=order, return_id=pk, ticket_id=ticket,
                          handler_id=handler, team_id=team) for pk, customer, at, order, ticket, handler, team in rows]
    if rule.trigger in (Trigger.COMPLAINT_RESOLVED, Trigger.TICKET_RESOLVED):
        queryset = Ticket.objects.filter(resolved_at__gt=oldest, resolved_at__lte=newest, merged_into__isnull=True,
                                         status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
        if rule.trigger == Trigger.COMPLAINT_RESOLVED:
            queryset = queryset.filter(kind=Ticket.Kind.COMPLAINT)
        rows = (queryset.filter(_not_visited(rule, SourceType.TICKET)).order_by()
                .values_list("pk", "customer_id", "resolved_at", "order_id", "assignee_id", "team_id")[:limit])
        return [Candidate(SourceType.TICKET, pk, "", customer, at, order_id=order, ticket_id=pk, handler_id=handler,
                          team_id=team) for pk, customer, at, order, handler, team in rows]

    tz = timezone.get_default_timezone()
    today = now.astimezone(tz).date()
    customers = _segment(rule, Customer.objects.filter(merged_into__isnull=True, anonymized_at__isnull=True))
    if rule.trigger == Trigger.MONTHLY:
        period = today.strftime("%Y-%m")
        start = dt.datetime.combine(today.replace(day=1), rule.quiet_end, tzinfo=tz) + dt.timedelta(days=rule.delay_days)
        if start > now:
            return []
        rows = customers.filter(_not_visited(rule, SourceType.CUSTOMER, period)).order_by().values_list("pk", flat=True)[:limit]
        return [Candidate(SourceType.CUSTOMER, pk, period, pk, start) for pk in rows]
    if rule.trigger == Trigger.BIRTHDAY:
        found = []
        # Today and the two days before, so a sweeper down over a weekend still greets.
        for back in range(3):
            day = today - dt.timedelta(days=back)
            period = str(day.year)
            rows = (customers.filter(birthday__month=day.month, birthday__day=day.day)
                    .filter(_not_visited(rule, SourceType.CUSTOMER, period)).order_by().values_list("pk", flat=True)[:limit])
            at = dt.datetime.combine(day, rule.quiet_end, tzinfo=tz)
            found += [Candidate(SourceType.CUSTOMER, pk, period, pk, at) for pk in rows]
        return found[:limit]
    if rule.trigger == Trigger.HOLIDAY:
        schedule = Schedule(rule)
        holidays = _Holidays(schedule.spec) if schedule.spec else frozenset()
        if today not in holidays or today - dt.timedelta(days=1) in holidays:
            return []
        period = today.isoformat()
        rows = customers.filter(_not_visited(rule, SourceType.CUSTOMER, period)).order_by().values_list("pk", flat=True)[:limit]
        at = dt.datetime.combine(today, rule.quiet_end, tzinfo=tz)
        return [Candidate(SourceType.CUSTOMER, pk, period, pk, at) for pk in rows]
    return []


def needs_consent(kind: str) -> str:
    """Return the customer field that must be true for a visit of this kind."""
    return "has_marketing_consent" if kind == FollowUpRule.Kind.GREETING else "has_survey_consent"


def recent_visits(customer_ids: list[int], *, since: dt.datetime) -> dict[int, list[dt.datetime]]:
    """Return the due times of live visits of these customers since an instant (for the N-day spacing)."""
    found: dict[int, list[dt.datetime]] = {}
    rows = (FollowUpVisit.objects.filter(customer_id__in=customer_ids, due_at__gte=since)
            .exclude(status__in=[FollowUpVisit.Status.SKIPPED, FollowUpVisit.Status.CANCELLED])
            .order_by().values_list("customer_id", Coalesce("completed_at", F("due_at"))))
    for customer_id, at in rows:
        found.setdefault(customer_id, []).append(at)
    return found


def has_visit_near(times: list[dt.datetime], due: dt.datetime, days: int) -> bool:
    """Return whether any of the times is within days of due."""
    window = dt.timedelta(days=days)
    return any(abs(at - due) < window for at in times)

