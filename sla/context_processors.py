"""Template context for the shell: the unread-notifications badge."""

from django.utils.functional import SimpleLazyObject

from sla.selectors import notification_unread_count


def notifications(request):
    """Add ``notifications_unread`` (counted only when a template shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: notification_unread_count(user))}
