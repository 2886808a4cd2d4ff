"""Celery tasks of the SLA engine: the beat sweeper and the per-timer check (thin, ids only)."""

from celery import shared_task
from celery.utils import uuid
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


PUBLISH_BATCH = 500


def sla_timer_checks_enqueue(timer_ids, *, expires: int = 300) -> None:
    """Publish one ``sla_timer_check`` per timer over one pooled producer.

    The same message ``apply_async`` sends (task routes honoured), without its per-call work (argument
    check, option merging, result object), pipelined to Redis in batches of ``PUBLISH_BATCH``.
    """
    app = sla_timer_check.app
    if app.conf.task_always_eager:
        for timer_id in timer_ids:
            sla_timer_check.apply_async(kwargs={"timer_id": timer_id}, expires=expires)
        return
    amqp, name = app.amqp, sla_timer_check.name
    options = amqp.router.route({}, name, (), {}, sla_timer_check)
    # kombu ≥ 5.7 buffers the publishes of a batch in one Redis pipeline (other transports publish at once);
    # a failure discards what was not flushed yet, and the next sweep finds those timers still due.
    with app.producer_or_acquire() as producer, producer.batch(max_size=PUBLISH_BATCH):
        for timer_id in timer_ids:
            message = amqp.create_task_message(uuid(), name, (), {"timer_id": timer_id}, expires=expires)
            amqp.send_task_message(producer, name, message, **options)


@shared_task(name="tickets.sla_policy_recompute", ignore_result=True, autoretry_for=(OperationalError,), max_retries=3)
def sla_policy_recompute(*, policy_id: int | None = None) -> int:
    """Recompute the timers of open tickets after SLA policies changed."""
    return sla.sla_timers_recompute_open(policy_id=policy_id)
