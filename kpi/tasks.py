"""KPI Celery tasks: thin wrappers over the fact services."""

from celery import shared_task

from kpi import facts


@shared_task(name="kpi.ticket_facts_sweep_changed", ignore_result=True)
def ticket_facts_sweep_changed() -> int:
    """Refresh the facts of tickets changed since the last sweep."""
    return facts.ticket_facts_sweep_changed()
