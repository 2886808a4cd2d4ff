"""Project-wide Celery tasks."""

from celery import shared_task

from helpdesk import services
from helpdesk.heartbeat import heartbeat_record


@shared_task(bind=True, name="helpdesk.heartbeat_record", ignore_result=False)
def heartbeat_record_task(self) -> str:
    """Record the worker heartbeat that /healthz reads."""
    return heartbeat_record(worker=self.request.hostname or "").isoformat()


@shared_task(name="helpdesk.calendar_year_recompute", expires=3600)
def calendar_year_recompute(entry_id: int) -> str:
    """Recompute the open deadlines an entered holiday schedule moves."""
    entry = services.calendar_year_recompute(entry_id=entry_id)
    return entry.status if entry else "gone"


@shared_task(name="helpdesk.calendar_year_entry_sweep_stalled", expires=240)
def calendar_year_entry_sweep_stalled() -> int:
    """Send the recomputation again for entered schedules whose task was lost."""
    return services.calendar_year_entry_sweep_stalled()


@shared_task(name="helpdesk.provisional_year_alert_send", expires=3000)
def provisional_year_alert_send() -> int:
    """E-mail the admins, once a year from 1 October, that next year's holiday schedule is still provisional."""
    return services.provisional_year_alert_send()
