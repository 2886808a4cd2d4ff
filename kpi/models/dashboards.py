"""Who may read the KPI dashboards (the permission anchor) and the admin-edited KPI settings."""

from django.core.validators import MaxValueValidator, MinValueValidator
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


class KpiSettings(models.Model):
    """The admin-edited KPI policy (one row): the business calendar and the conversion window."""

    calendar = models.ForeignKey(
        "helpdesk.BusinessCalendar",
        verbose_name=_("business calendar for response times"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Used when a ticket has no SLA policy; blank means calendar time."),
    )
    conversion_window_days = models.PositiveSmallIntegerField(
        _("conversion window, days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("A pre-sales chat converts when the customer orders within this many days (转化率)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("KPI settings")
        verbose_name_plural = _("KPI settings")

    def __str__(self):
        return str(_("KPI settings"))
