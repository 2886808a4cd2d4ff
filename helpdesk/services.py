"""Writes to users and teams."""

from django.db import transaction

from helpdesk.models import User
from helpdesk.roles import Role, has_role_at_least


@transaction.atomic
def user_sync_staff(*, user: User) -> bool:
    """Give Django admin access to exactly the users with the Admin role; return whether it changed."""
    is_staff = user.is_superuser or has_role_at_least(user, Role.ADMIN)
    changed = User.objects.filter(pk=user.pk).exclude(is_staff=is_staff).update(is_staff=is_staff) > 0
    user.is_staff = is_staff
    return changed
