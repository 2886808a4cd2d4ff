"""Writes to in-app notifications (站内通知)."""

from django.utils import timezone

from tickets.models import Notification
from tickets.sla_selectors import notification_unread_forget


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (idempotent); raise ``Notification.DoesNotExist``."""
    notification = Notification.objects.select_related("ticket").get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
        notification_unread_forget(user_ids=[user.pk])
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    notification_unread_forget(user_ids=[user.pk])
    return marked
