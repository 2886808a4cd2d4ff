"""Writes to users, teams, API tokens, sign-in failures and business calendars."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.authtoken.models import Token

from helpdesk.login_throttle import KEEP_AT_LEAST, login_key, login_window
from helpdesk.models import BusinessCalendar, LoginFailure, User
from helpdesk.roles import Role, has_role_at_least
from helpdesk.tokens import token_refusal


@transaction.atomic
def user_sync_staff(*, user: User) -> bool:
    """Give Django admin access to exactly the users with the Admin role; return whether it changed."""
    is_staff = user.is_superuser or has_role_at_least(user, Role.ADMIN)
    changed = User.objects.filter(pk=user.pk).exclude(is_staff=is_staff).update(is_staff=is_staff) > 0
    user.is_staff = is_staff
    return changed


def calendar_touch(*, calendar_id: int) -> None:
    """Bump a business calendar's revision so every process rebuilds its cached ``CalendarSpec``."""
    BusinessCalendar.objects.filter(pk=calendar_id).update(revision=F("revision") + 1)


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """Return the user's API token, replaced by a new one if it expired or predates the last password change."""
    user = User.objects.select_for_update().get(pk=user.pk)
    token = Token.objects.filter(user=user).first()
    if token is not None and token_refusal(token, user):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def login_failure_record(*, username: str, address: str | None) -> LoginFailure:
    """Record a failed sign-in and drop the records too old to count or to be read in admin."""
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - max(login_window(), KEEP_AT_LEAST)).delete()
    return LoginFailure.objects.create(username=login_key(username), address=address or None, at=now)


def login_failures_clear(*, username: str) -> int:
    """Forget an account's failed sign-ins after it signed in; return how many there were."""
    deleted, _rows = LoginFailure.objects.filter(username=login_key(username)).delete()
    return deleted
