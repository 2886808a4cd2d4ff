from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    """Metrics, dashboards and reports."""

    name = "kpi"
    verbose_name = _("KPI")
