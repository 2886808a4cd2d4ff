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


PARTS = ("permissions", "groups", "teams")


def _key(part: str, version, user) -> str:
    return f"helpdesk:access:{part}:{version}:{user.pk}:{int(user.is_superuser)}:{int(user.is_active)}"


def access_of(user, part: str, read, parts: dict):
    """Return ``read(user)`` (one part of the user's access) from ``parts``, else the cache while the version holds.

    ``parts`` is what this user object has read so far: the first part asked for brings the version and every
    cached part in two round trips, since a page reads them all.
    """
    if "version" not in parts:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, None)
            version = cache.get(VERSION_KEY)
        parts["version"] = version
        if version is not None:
            keys = {_key(name, version, user): name for name in PARTS}
            parts.update({keys[key]: found for key, found in cache.get_many(list(keys)).items()})
    if part not in parts:
        parts[part] = read(user)
        if parts["version"] is not None:
            cache.set(_key(part, parts["version"], user), parts[part], SECONDS)
    return parts[part]


def _version_raise() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (or Redis unreachable): readers start it again
        cache.add(VERSION_KEY, 1, None)


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
