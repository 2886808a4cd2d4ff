"""KPI demo data: measure the demo tickets so the dashboard has numbers right after `make run`."""

import datetime as dt

from django.utils import timezone

from kpi.facts import ticket_facts_rebuild


def demo_kpi_load(context: dict) -> int:
    """Measure every ticket of the last 90 days into facts (idempotent: facts are replaced)."""
    today = timezone.localdate()
    return ticket_facts_rebuild(date_from=today - dt.timedelta(days=90), date_to=today)
