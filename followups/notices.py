"""The rules of every notice to a customer: which channel reaches them, consent, quiet hours, the daily cap, retries.

Pure functions over settings and plain values; ``followups.services.notice_send`` and ``message_deliver``
apply them. The reasoning is in docs/notices.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from followups.models import CustomerMessage, NoticeKind

# Transactional notices: the customer's own after-sales case. They go whatever the marketing or survey consent.
ESSENTIAL_KINDS = frozenset({
    NoticeKind.RETURN_CONFIRMED, NoticeKind.RETURN_APPROVED, NoticeKind.RETURN_REJECTED, NoticeKind.RETURN_PICKUP,
    NoticeKind.RETURN_INSPECTED, NoticeKind.REFUND_DONE, NoticeKind.EXCHANGE_SHIPPED, NoticeKind.RETURN_CLOSED,
    NoticeKind.DEADLINE_EXTENDED,
})
# The consent a non-essential kind needs; any other non-essential kind needs the marketing consent.
CONSENT_FIELDS = {NoticeKind.SURVEY: "has_survey_consent", NoticeKind.GREETING: "has_marketing_consent"}


def is_essential(kind: str) -> bool:
    """Return whether a notice kind is transactional (sent without marketing or survey consent)."""
    return kind in ESSENTIAL_KINDS


def consent_field(kind: str) -> str:
    """Return the customer's consent field a non-essential kind needs."""
    return CONSENT_FIELDS.get(kind, "has_marketing_consent")


@dataclass(frozen=True)
class Route:
    """Where a notice goes: the channel and the address, or why it cannot go (``reason``)."""

    channel: str
    recipient: str
    reason: str = ""


def route(*, phone: str, email: str, ticket_channel: str = "", live_chat: int | None = None) -> Route:
    """Return the channel a customer is reached on.

    E-mail when they wrote by e-mail (the ticket came by e-mail) and have an address; otherwise SMS to a
    mobile number; otherwise their open live chat (``live_chat``: its id); otherwise e-mail; otherwise nothing.
    """
    phone, email = (phone or "").strip(), (email or "").strip()
    if email and ticket_channel == "email":
        return Route(CustomerMessage.Channel.EMAIL, email)
    if phone:
        return Route(CustomerMessage.Channel.SMS, phone)
    if live_chat:
        return Route(CustomerMessage.Channel.CHAT, str(live_chat))
    if email:
        return Route(CustomerMessage.Channel.EMAIL, email)
    return Route(CustomerMessage.Channel.SMS, "", reason="no_contact")


def quiet_window() -> tuple[dt.time, dt.time] | None:
    """Return (start, end) of the SMS quiet hours from ``NOTICE_QUIET_HOURS`` ("21:00-08:00"), or None when empty."""
    text = (getattr(settings, "NOTICE_QUIET_HOURS", "") or "").strip()
    if not text:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-", 1))
    return start, end


def quiet_until(now: dt.datetime) -> dt.datetime | None:
    """Return when quiet hours end if ``now`` is inside them (local time), else None."""
    window = quiet_window()
    if window is None:
        return None
    start, end = window
    local = timezone.localtime(now)
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    opens = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if opens <= local:
        opens += dt.timedelta(days=1)
    return opens


def day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Return the start of the local day of ``now`` and the start of the next one."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def next_day_opens(now: dt.datetime) -> dt.datetime:
    """Return when sending may start again tomorrow: midnight, or the end of quiet hours after it."""
    _start, tomorrow = day_bounds(now)
    return quiet_until(tomorrow) or tomorrow


def daily_cap() -> int:
    """Return how many SMS one customer may get in a local day (0: no cap)."""
    return max(int(getattr(settings, "NOTICE_DAILY_CAP", 0) or 0), 0)


def max_attempts() -> int:
    """Return how many times a message is tried before it is recorded as failed."""
    return max(int(getattr(settings, "NOTICE_MAX_ATTEMPTS", 5) or 1), 1)


def retry_delay(attempts: int) -> dt.timedelta:
    """Return the wait before the next try after ``attempts`` failed ones: base × 2^(attempts − 1)."""
    base = max(int(getattr(settings, "NOTICE_RETRY_SECONDS", 60) or 1), 1)
    return dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0))
