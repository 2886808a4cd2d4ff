"""Project-wide Celery tasks."""

from celery import shared_task

from helpdesk.heartbeat import heartbeat_record


@shared_task(bind=True, name="helpdesk.heartbeat_record", ignore_result=False)
def heartbeat_record_task(self) -> str:
    """Record the worker heartbeat that /healthz reads."""
    return heartbeat_record(worker=self.request.hostname or "").isoformat()
