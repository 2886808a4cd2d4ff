"""Celery tasks of the SLA engine: the beat sweeper and the per-timer check (thin, ids only)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from sla import services

CHECK_CHUNK = 50
# A check is safe to repeat: retried on a lost database connection, acknowledged only after it ran.
CHECK_OPTIONS = {"ignore_result": True, "autoretry_for": (OperationalError, InterfaceError), "retry_backoff": 2,
                 "retry_backoff_max": 60, "max_retries": 8, "acks_late": True}

# Task names are what queued messages and the beat schedule carry: they stay "tickets.…" wherever the code lives.


@shared_task(name="tickets.sla_timer_sweep_due", ignore_result=True)
def sla_timer_sweep_due() -> int:
    """Enqueue a check for every SLA timer whose warning or deadline has come."""
    return services.sla_timer_sweep_due()


@shared_task(name="tickets.sla_timer_check", **CHECK_OPTIONS)
def sla_timer_check(*, timer_id: int) -> str | None:
    """Record a due SLA warning or breach exactly once."""
    return services.sla_timer_check(timer_id=timer_id)


@shared_task(name="tickets.sla_timer_check_many", **CHECK_OPTIONS)
def sla_timer_check_many(*, timer_ids: list[int]) -> int:
    """Record the due SLA warnings and breaches of these timers, each exactly once."""
    return services.sla_timer_check_many(timer_ids=timer_ids)


def sla_timer_checks_enqueue(timer_ids, *, expires: int = 300) -> None:
    """Publish the checks of these timers in chunks of ``CHECK_CHUNK``, each expiring after ``expires`` seconds.

    One message per chunk, not per timer: a sweep of 1,000 due timers is 20 publishes. A chunk that
    fails part way runs again whole; each check is safe to repeat. A failure to publish leaves the
    remaining timers due: the next sweep finds them again.
    """
    _chunks_publish(sla_timer_check_many, "timer_ids", timer_ids, expires=expires)


def _chunks_publish(task, argument: str, ids, *, expires: int) -> None:
    """Publish ``task`` once per ``CHECK_CHUNK`` ids (as ``argument``) over one shared producer."""
    ids = list(ids)
    with task.app.producer_or_acquire() as producer:
        for start in range(0, len(ids), CHECK_CHUNK):
            task.apply_async(kwargs={argument: ids[start:start + CHECK_CHUNK]}, expires=expires, producer=producer)


@shared_task(name="tickets.sla_policy_recompute", ignore_result=True, autoretry_for=(OperationalError,), max_retries=3)
def sla_policy_recompute(*, policy_id: int | None = None) -> int:
    """Recompute the timers of open tickets after SLA policies changed."""
    return services.sla_timers_recompute_open(policy_id=policy_id)


@shared_task(name="sla.notification_email_send", ignore_result=True, expires=3600,
             autoretry_for=(OSError,), retry_backoff=60, max_retries=3)
def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification to its recipient, once; a mail server that is down is tried again later."""
    return services.notification_email_send(notification_id=notification_id)


@shared_task(name="sla.step_deadline_sweep_due", ignore_result=True)
def step_deadline_sweep_due() -> int:
    """Enqueue a check for every complaint step deadline whose warning or due time has come."""
    return services.step_deadline_sweep_due()


@shared_task(name="sla.step_deadline_check_many", **CHECK_OPTIONS)
def step_deadline_check_many(*, deadline_ids: list[int]) -> int:
    """Record the due step warnings and breaches of these deadlines, each exactly once."""
    return services.step_deadline_check_many(deadline_ids=deadline_ids)


def step_deadline_checks_enqueue(deadline_ids, *, expires: int = 300) -> None:
    """Publish the checks of these step deadlines in chunks of ``CHECK_CHUNK``, each expiring after ``expires`` seconds."""
    _chunks_publish(step_deadline_check_many, "deadline_ids", deadline_ids, expires=expires)


@shared_task(name="sla.step_policy_recompute", ignore_result=True, autoretry_for=(OperationalError,), max_retries=3)
def step_policy_recompute() -> int:
    """Recompute the step deadlines of open tickets after step policies changed."""
    return services.step_deadlines_recompute_open()


@shared_task(name="sla.internal_task_sweep_due", ignore_result=True)
def internal_task_sweep_due() -> int:
    """Enqueue a check for every internal task whose warning, due time or escalation has come."""
    return services.internal_task_sweep_due()


@shared_task(name="sla.internal_task_check_many", **CHECK_OPTIONS)
def internal_task_check_many(*, task_ids: list[int]) -> int:
    """Record the due warnings, overdues and escalations of these internal tasks, each exactly once."""
    return services.internal_task_check_many(task_ids=task_ids)


def internal_task_checks_enqueue(task_ids, *, expires: int = 300) -> None:
    """Publish the checks of these internal tasks in chunks of ``CHECK_CHUNK``, each expiring after ``expires`` seconds."""
    _chunks_publish(internal_task_check_many, "task_ids", task_ids, expires=expires)
