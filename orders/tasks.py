"""Thin Celery tasks over the return services; the sweeper fans out one small task per due timer."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from orders import services
from orders.models import ReturnDeadline, ReturnRequest
from orders.workflow import OPEN_STATES

SWEEP_BATCH = 500
# An application still unconfirmed this long after submission lost its confirm task; send it again.
CONFIRM_GRACE = timedelta(minutes=2)


@shared_task(name="orders.return_request_confirm", ignore_result=True, expires=3600)
def return_request_confirm(*, return_request_id: int) -> bool:
    """Confirm a submitted application to the customer."""
    return services.return_request_confirm(return_request_id=return_request_id)


@shared_task(name="orders.return_deadline_mark_breached", ignore_result=True, expires=300)
def return_deadline_mark_breached(*, deadline_id: int) -> bool:
    """Mark one overdue step deadline breached."""
    return services.return_deadline_mark_breached(deadline_id=deadline_id)


@shared_task(name="orders.return_deadline_mark_warned", ignore_result=True, expires=300)
def return_deadline_mark_warned(*, deadline_id: int) -> bool:
    """Warn that one open step deadline is close."""
    return services.return_deadline_mark_warned(deadline_id=deadline_id)


@shared_task(name="orders.return_deadline_sweep_due", ignore_result=True, expires=50)
def return_deadline_sweep_due() -> int:
    """Enqueue one breach task per open step deadline that is due, and one warning task per deadline that is close."""
    now = timezone.now()
    due = list(
        ReturnDeadline.objects.filter(met_at__isnull=True, breached_at__isnull=True, due_at__lte=now,
                                      return_request__status__in=OPEN_STATES)
        .order_by("due_at").values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for deadline_id in due:
        return_deadline_mark_breached.delay(deadline_id=deadline_id)
    close = list(
        ReturnDeadline.objects.filter(met_at__isnull=True, breached_at__isnull=True, warned_at__isnull=True,
                                      warn_at__lte=now, due_at__gt=now, return_request__status__in=OPEN_STATES)
        .order_by("warn_at").values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for deadline_id in close:
        return_deadline_mark_warned.delay(deadline_id=deadline_id)
    return len(due) + len(close)


@shared_task(name="orders.return_request_sweep_unconfirmed", ignore_result=True, expires=50)
def return_request_sweep_unconfirmed() -> int:
    """Enqueue the confirmation again for applications whose confirm task was lost."""
    ids = list(
        ReturnRequest.objects.filter(status=ReturnRequest.Status.SUBMITTED, updated_at__lte=timezone.now() - CONFIRM_GRACE)
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for return_request_id in ids:
        return_request_confirm.delay(return_request_id=return_request_id)
    return len(ids)


@shared_task(name="orders.order_import_run", ignore_result=True, expires=3600)
def order_import_run(*, order_import_id: int) -> None:
    """Run one uploaded order import."""
    from orders.importing import order_import_run as run

    run(order_import_id=order_import_id)


@shared_task(name="orders.order_import_sweep_pending", ignore_result=True, expires=50)
def order_import_sweep_pending() -> int:
    """Send the run again for imports still pending after the grace period (their task was lost)."""
    from orders.importing import order_import_sweep_pending as sweep

    return sweep()
