"""Celery tasks of the SLA engine: the beat sweeper and the per-timer check (thin, ids only)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from tickets import sla


@shared_task(name="tickets.sla_timer_sweep_due", ignore_result=True)
def sla_timer_sweep_due() -> int:
    """Enqueue a check for every SLA timer whose warning or deadline has come."""
    return sla.sla_timer_sweep_due()


@shared_task(
    name="tickets.sla_timer_check",
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
    acks_late=True,
)
def sla_timer_check(*, timer_id: int) -> str | None:
    """Record a due SLA warning or breach exactly once."""
    return sla.sla_timer_check(timer_id=timer_id)


def sla_timer_checks_enqueue(timer_ids, *, expires: int = 300) -> None:
    """Publish one ``sla_timer_check`` per timer, each expiring after ``expires`` seconds, over one pooled producer.

    Task routes are honoured as for any ``apply_async``. A failure part way leaves the remaining timers
    due: the next sweep finds them again.
    """
    with sla_timer_check.app.producer_or_acquire() as producer:
        for timer_id in timer_ids:
            sla_timer_check.apply_async(kwargs={"timer_id": timer_id}, expires=expires, producer=producer)


@shared_task(name="tickets.sla_policy_recompute", ignore_result=True, autoretry_for=(OperationalError,), max_retries=3)
def sla_policy_recompute(*, policy_id: int | None = None) -> int:
    """Recompute the timers of open tickets after SLA policies changed."""
    return sla.sla_timers_recompute_open(policy_id=policy_id)
