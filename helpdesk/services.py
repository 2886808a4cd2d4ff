"""Writes to users, teams and business calendars."""

from django.db import transaction
from django.db.models import F

from helpdesk.models import BusinessCalendar, User
from helpdesk.roles import Role, has_role_at_least


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
