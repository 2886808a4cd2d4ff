"""KPI models; for now the anchor of the dashboard permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """Permission anchor for KPI dashboards (no table): who may read them, and for which teams."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("KPI dashboard")
        permissions = [
            ("view_dashboard", _("Can read KPI dashboards and scorecards")),
            ("view_all_teams", _("Can read KPIs of every team")),
        ]
