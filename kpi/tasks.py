"""KPI Celery tasks: thin wrappers over the KPI services."""

from celery import shared_task

from kpi import services


@shared_task(name="kpi.ticket_facts_sweep_changed", ignore_result=True)
def ticket_facts_sweep_changed() -> int:
    """Refresh the facts of tickets changed since the last sweep."""
    return services.ticket_facts_sweep_changed()


@shared_task(name="kpi.report_build", ignore_result=True)
def report_build(*, report_id: int) -> bool:
    """Generate a waiting report's files."""
    return services.report_build(report_id=report_id)


@shared_task(name="kpi.report_sweep_pending", ignore_result=True, expires=50)
def report_sweep_pending() -> int:
    """Send the build again for reports still waiting after the grace period (their task was lost)."""
    return services.report_sweep_pending()


@shared_task(name="kpi.report_schedule", ignore_result=True)
def report_schedule(kind: str) -> bool:
    """Create the scheduled daily or monthly report of the period once."""
    return services.report_schedule(kind=kind) is not None


@shared_task(name="kpi.scorecards_compute_recent", ignore_result=True)
def scorecards_compute_recent() -> int:
    """Recompute this month's scorecards and, early in a month, last month's."""
    return services.scorecards_compute_recent()


@shared_task(name="kpi.fact_rollups_refresh_recent", ignore_result=True)
def fact_rollups_refresh_recent() -> int:
    """Recompute the rollups of the last 400 days."""
    return services.fact_rollups_refresh_recent()


@shared_task(name="kpi.period_scorecards_compute_recent", ignore_result=True)
def period_scorecards_compute_recent() -> int:
    """Roll the monthly cards up into the running quarter and year (and the ones just ended)."""
    return services.period_scorecards_compute_recent()


@shared_task(name="kpi.rollups_reconcile", ignore_result=True, expires=3600)
def rollups_reconcile() -> int:
    """Recompute the fact and review rollups of the last 92 days."""
    return services.rollups_reconcile()
