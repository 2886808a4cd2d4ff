"""The sign-in throttle: failed sign-ins counted per account and per client address, in PostgreSQL.

Every way in (the login page, Django admin, the API token endpoint) goes through
``django.contrib.auth.authenticate`` and so through the one authentication backend, which asks
``login_lock_get`` before checking a password. An account is locked after
``LOGIN_FAILURES_PER_ACCOUNT`` failures within ``LOGIN_FAILURE_WINDOW_MINUTES``, an address after
``LOGIN_FAILURES_PER_ADDRESS``: high enough that an office behind one address is not locked out by
a few mistyped passwords, low enough that one address cannot try passwords on many accounts. The
lock lifts by itself once the oldest of those failures leaves the window (the cool-down).
The counts live in the database, not in the cache, so they hold while Redis is down.
"""

import datetime as dt
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from helpdesk.models import LoginFailure

# Failures stay readable in Django admin this long at least, whatever the window.
KEEP_AT_LEAST = dt.timedelta(days=1)


@dataclass(frozen=True)
class LoginLock:
    """Why sign-ins are refused for now, and until when."""

    scope: str  # "account" or "address"
    until: dt.datetime

    def retry_after(self, now: dt.datetime | None = None) -> int:
        """Return the whole seconds until the lock lifts (at least 1)."""
        return max(1, int((self.until - (now or timezone.now())).total_seconds()) + 1)

    @property
    def message(self) -> str:
        """Return the message shown to the person signing in."""
        at = time_format(timezone.localtime(self.until), "H:i")
        if self.scope == "account":
            return _("Too many failed sign-ins for this account. Try again after %(time)s, or ask an admin to "
                     "unlock it.") % {"time": at}
        return _("Too many failed sign-ins from your network address. Try again after %(time)s.") % {"time": at}


def login_key(username: str) -> str:
    """Return the account name failures are counted under (case and surrounding spaces ignored)."""
    return (username or "").strip().lower()[:150]


def login_address(request) -> str | None:
    """Return the client address of a sign-in request (``REMOTE_ADDR``, set behind trusted proxies), or None."""
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def login_window() -> dt.timedelta:
    """Return how long a failed sign-in counts."""
    return dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def _lock_until(queryset, limit: int, now: dt.datetime) -> dt.datetime | None:
    """Return when the lock over these failures lifts, or None if they are fewer than the limit."""
    times = list(queryset.filter(at__gt=now - login_window()).order_by("-at").values_list("at", flat=True)[:limit])
    if limit < 1 or len(times) < limit:
        return None
    return times[-1] + login_window()


def login_lock_get(*, username: str, address: str | None, now: dt.datetime | None = None) -> LoginLock | None:
    """Return the lock on signing in to this account from this address, or None when a password may be checked."""
    now = now or timezone.now()
    until = _lock_until(LoginFailure.objects.filter(username=login_key(username)), settings.LOGIN_FAILURES_PER_ACCOUNT, now)
    if until is not None:
        return LoginLock("account", until)
    if address:
        until = _lock_until(LoginFailure.objects.filter(address=address), settings.LOGIN_FAILURES_PER_ADDRESS, now)
        if until is not None:
            return LoginLock("address", until)
    return None


def login_attempts_serialize(*, username: str) -> None:
    """Make sign-ins to one account wait for each other until the transaction ends.

    Without it, a burst of parallel guesses would all pass the check before any failure was written.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["helpdesk.login:" + login_key(username)])
