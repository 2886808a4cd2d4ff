from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    """Metrics, dashboards and reports."""

    name = "kpi"
    verbose_name = _("KPI")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from customers import records
        from kpi.privacy import quality_inspection_customer_content_erase

        # Anonymizing an archive masks what inspectors wrote about the customer's conversations.
        records.eraser_register(quality_inspection_customer_content_erase)
