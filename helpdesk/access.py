"""A user's permissions, role groups and teams, cached across requests and dropped whenever any of them may change.

Every page reads them (permission checks, roles, team visibility, the shell's team badges). The cache key holds a
version that any change to group or permission memberships, a group's permissions, a team or its members raises,
so a change shows on the next request; the key also holds the user's superuser and active flags, which are read with
the user on every request. While Redis is unreachable they are read from the database each request.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "helpdesk:access:version"
SECONDS = 60


def access_of(user, part: str, read):
    """Return ``read(user)`` (one part of the user's access) from the cache when the version still holds."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY)
    key = f"helpdesk:access:{part}:{version}:{user.pk}:{int(user.is_superuser)}:{int(user.is_active)}"
    found = cache.get(key) if version is not None else None
    if found is None:
        found = read(user)
        if version is not None:
            cache.set(key, found, SECONDS)
    return found


def _version_raise() -> None:
    cache.set(VERSION_KEY, (cache.get(VERSION_KEY) or 0) + 1, None)


def access_forget(**kwargs) -> None:
    """Raise the version now and again once the transaction commits (what other requests read meanwhile is stale)."""
    _version_raise()
    if transaction.get_connection(kwargs.get("using")).in_atomic_block:
        transaction.on_commit(_version_raise, using=kwargs.get("using"))


def access_connect() -> None:
    """Drop every cached access on any change that may alter one (called from ``HelpdeskConfig.ready``).

    Memberships change through the related managers (``add``/``remove``/``set``/``clear``, as the admin does), which
    send ``m2m_changed``; Django sends no save or delete signals for the automatic through models.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from helpdesk.models import Team, User

    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through, Team.members.through):
        m2m_changed.connect(access_forget, sender=through, dispatch_uid=f"access-{through.__name__}-m2m")
    for model in (Group, Permission, Team):
        post_save.connect(access_forget, sender=model, dispatch_uid=f"access-{model.__name__}-save")
        post_delete.connect(access_forget, sender=model, dispatch_uid=f"access-{model.__name__}-delete")
