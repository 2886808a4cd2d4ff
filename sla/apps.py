from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SLAConfig(AppConfig):
    """SLA policies, per-ticket deadlines (首次响应, 问题解决) and the in-app notifications they send."""

    name = "sla"
    # Recomputes this app's open deadlines (SLA timers, complaint step deadlines) when a year's official holiday schedule is entered.
    calendar_year_recompute = {"sla": "sla.services.sla_timers_recompute_for_calendar_year",
                               "sla_steps": "sla.services.step_deadlines_recompute_for_calendar_year"}
    verbose_name = _("SLA")
