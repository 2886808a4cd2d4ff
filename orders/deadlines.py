"""Step deadlines of returns (退换货处理时效), computed by the one business-time module."""

import logging
from datetime import datetime, timedelta

from helpdesk.business_time import UncoveredYearError, add_business_days, is_provisional
from helpdesk.calendars import calendar_spec
from helpdesk.models import BusinessCalendar
from orders.models import ReturnDeadline, ReturnPolicy

logger = logging.getLogger(__name__)
DEFAULT_CALENDAR = "china-back-office"
Step = ReturnDeadline.Step


def step_days(policy: ReturnPolicy, step: str) -> int:
    """Return the business days the policy allows for a step."""
    return {
        Step.PICKUP: policy.pickup_days,
        Step.INSPECTION: policy.inspection_days,
        Step.REFUND: policy.refund_days,
        Step.CASE: policy.case_days,
        Step.APPROVAL: policy.approval_days,
    }[step]


def policy_calendar(policy: ReturnPolicy) -> BusinessCalendar | None:
    """Return the business calendar the policy's step deadlines are counted on, or None when it is missing."""
    return policy.calendar or BusinessCalendar.objects.filter(code=DEFAULT_CALENDAR).first()


def step_is_provisional(policy: ReturnPolicy, step: str, start: datetime, due: datetime | None) -> bool:
    """Return whether a step's deadline reads a year without the official holiday schedule."""
    if step == Step.CONFIRM or due is None:
        return False
    try:
        return is_provisional(calendar_spec(policy.calendar or DEFAULT_CALENDAR), start, due)
    except BusinessCalendar.DoesNotExist:
        return False


def step_due_at(policy: ReturnPolicy, step: str, start: datetime, extra_days: int = 0) -> datetime | None:
    """Return when a step is due: confirmation in calendar hours, the others in business days.

    A year without official holiday data runs on the provisional schedule (statutory holidays by rule);
    None only when the business calendar is missing or has no working time.
    """
    if step == Step.CONFIRM:
        return start + timedelta(hours=policy.confirm_hours)
    return business_days_after(policy, start, step_days(policy, step) + extra_days)


WARNING_SHARE = 0.8  # warn when 80 % of a step's time has passed, as the ticket SLA does by default


def step_warn_at(start: datetime, due: datetime | None) -> datetime | None:
    """Return when to warn that a step is close to its deadline: 80 % of the way from start to due."""
    if due is None or due <= start:
        return due
    return start + (due - start) * WARNING_SHARE


def business_days_after(policy: ReturnPolicy, start: datetime, days: int) -> datetime | None:
    """Return start plus business days on the policy's calendar, or None when it cannot be known."""
    try:
        return add_business_days(calendar_spec(policy.calendar or DEFAULT_CALENDAR), start, days)
    except UncoveredYearError as exc:
        logger.error("return deadline left open: %s", exc)
    except BusinessCalendar.DoesNotExist:
        logger.error("return deadline left open: business calendar %r is missing", DEFAULT_CALENDAR)
    return None
