"""Tracking links (进度查询): the signed address a customer follows to see and answer their ticket without login."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import ServiceError
from tickets.models import Ticket

# The signing salt of every tracking link ever sent: changing it voids the links customers hold.
SALT = "tickets.tracker"
INVALID, EXPIRED = "invalid", "expired"

# Per reason: the HTTP status and the message.
UNAVAILABLE = {
    INVALID: (404, "not_found", _("This link is not valid.")),
    EXPIRED: (410, "gone", _("This link has expired or was replaced by a newer one.")),
}


class TrackerUnavailable(ServiceError):
    """The link is forged (404), or expired or revoked (410); ``ticket`` is known for the latter, never shown."""

    def __init__(self, reason: str, ticket: Ticket | None = None):
        self.status_code, self.code, message = UNAVAILABLE[reason]
        super().__init__(str(message))
        self.reason, self.ticket = reason, ticket


def tracker_max_age() -> dt.timedelta:
    """Return how long a tracking link stays valid after it is issued (``TRACKER_LINK_DAYS``)."""
    return dt.timedelta(days=settings.TRACKER_LINK_DAYS)


def tracker_token(ticket: Ticket, *, now: dt.datetime | None = None) -> str:
    """Return a signed token carrying the ticket id and its issue time (milliseconds since the epoch)."""
    issued = int((now or timezone.now()).timestamp() * 1000)
    return signing.dumps({"t": ticket.pk, "i": issued}, salt=SALT)


def tracker_url(ticket: Ticket) -> str:
    """Return the public address of a ticket's tracking page, for messages."""
    return settings.PUBLIC_BASE_URL + tracker_path(ticket)


def tracker_path(ticket: Ticket) -> str:
    """Return the site-relative address of a ticket's tracking page."""
    return reverse("support:track", args=[tracker_token(ticket)])


def ticket_from_tracker_token(token: str) -> Ticket:
    """Return the ticket of a valid tracking token, or raise TrackerUnavailable.

    A token is void once older than the configured age, or when it was issued before the ticket's
    links were last renewed (a re-sent link replaces the old ones).
    """
    try:
        data = signing.loads(str(token)[:500], salt=SALT)
        pk, issued_ms = int(data["t"]), int(data["i"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        raise TrackerUnavailable(INVALID) from None
    ticket = (Ticket.objects.select_related("customer").filter(pk=pk).first()
              if 0 < pk < 2**63 else None)
    if ticket is None:
        raise TrackerUnavailable(INVALID)
    try:
        issued = dt.datetime.fromtimestamp(issued_ms / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise TrackerUnavailable(INVALID) from None
    if issued + tracker_max_age() <= timezone.now():
        raise TrackerUnavailable(EXPIRED, ticket)
    if ticket.tracker_valid_from is not None and issued_ms < int(ticket.tracker_valid_from.timestamp() * 1000):
        raise TrackerUnavailable(EXPIRED, ticket)
    return ticket
