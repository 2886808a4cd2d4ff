"""KPI demo data: measure the demo tickets so the dashboard has numbers right after `make run`."""

import datetime as dt

from django.utils import timezone

from kpi.services import scorecards_compute, ticket_facts_rebuild


def demo_kpi_load(context: dict) -> int:
    """Measure every ticket of the last 90 days into facts and compute this month's scorecards (idempotent)."""
    today = timezone.localdate()
    measured = ticket_facts_rebuild(date_from=today - dt.timedelta(days=90), date_to=today)
    scorecards_compute(month=today)
    return measured
