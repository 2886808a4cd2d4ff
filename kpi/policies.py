"""Read the admin's KPI policy row."""

from kpi.models import KpiSettings


def kpi_settings_get() -> KpiSettings:
    """Return the KPI settings row, creating the default one if an admin deleted it."""
    row = KpiSettings.objects.select_related("calendar").order_by("pk").first()
    return row or KpiSettings.objects.create()
