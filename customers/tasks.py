"""Thin Celery tasks over the customer services."""

from celery import shared_task

from customers import services
from customers.models import CustomerImport
from helpdesk.enqueue import enqueue_on_commit

# Files up to this size are imported during the upload request; bigger ones by a worker, with progress shown.
INLINE_IMPORT_BYTES = 256 * 1024


@shared_task(name="customers.customer_import_run", expires=3600, acks_late=True)
def customer_import_run(*, import_id: int) -> None:
    """Run one pending customer import (safe to repeat: only a pending import starts)."""
    services.customer_import_run(import_id=import_id)


def import_start(job: CustomerImport) -> CustomerImport:
    """Run a small import now, or hand a big one to a worker once the upload is committed; return it."""
    if job.file.size <= INLINE_IMPORT_BYTES:
        return services.customer_import_run(import_id=job.pk)
    enqueue_on_commit(customer_import_run, import_id=job.pk)
    return job


@shared_task(name="customers.customer_import_sweep_pending", expires=50)
def customer_import_sweep_pending() -> int:
    """Send the run again for imports still pending after the grace period (their task was lost)."""
    return services.customer_import_sweep_pending()

