"""KPI Celery tasks: thin wrappers over the fact services."""

from celery import shared_task

from kpi import facts, reports, rollups, scorecards


@shared_task(name="kpi.ticket_facts_sweep_changed", ignore_result=True)
def ticket_facts_sweep_changed() -> int:
    """Refresh the facts of tickets changed since the last sweep."""
    return facts.ticket_facts_sweep_changed()


@shared_task(name="kpi.report_build", ignore_result=True)
def report_build(*, report_id: int) -> bool:
    """Generate a waiting report's files."""
    return reports.report_build(report_id=report_id)


@shared_task(name="kpi.report_sweep_pending", ignore_result=True, expires=50)
def report_sweep_pending() -> int:
    """Send the build again for reports still waiting after the grace period (their task was lost)."""
    return reports.report_sweep_pending()


@shared_task(name="kpi.report_schedule", ignore_result=True)
def report_schedule(kind: str) -> bool:
    """Create the scheduled daily or monthly report of the period once."""
    return reports.report_schedule(kind=kind) is not None


@shared_task(name="kpi.scorecards_compute_recent", ignore_result=True)
def scorecards_compute_recent() -> int:
    """Recompute this month's scorecards and, early in a month, last month's."""
    return scorecards.scorecards_compute_recent()


@shared_task(name="kpi.fact_rollups_refresh_recent", ignore_result=True)
def fact_rollups_refresh_recent() -> int:
    """Recompute the rollups of the last 400 days."""
    return rollups.fact_rollups_refresh_recent()
