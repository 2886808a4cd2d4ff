"""Generated KPI reports (daily, monthly, exports) and the managers who receive them by e-mail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Report(models.Model):
    """A generated KPI report (客服信息日报表, 月报, or an on-demand export) kept for download as XLSX and CSV."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily CS report")
        MONTHLY = "monthly", _("Monthly report")
        EXPORT = "export", _("Dashboard export")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    date_from = models.DateField(pgettext_lazy("date range", "from"))
    date_to = models.DateField(pgettext_lazy("date range", "to"))
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress, percent"), default=0)
    xlsx = models.FileField(_("XLSX file"), upload_to="kpi-reports/%Y/%m/", blank=True)
    csv = models.FileField(_("CSV file"), upload_to="kpi-reports/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("KPI report")
        verbose_name_plural = _("KPI reports")
        constraints = [
            # Beat may fire twice (restarts): one scheduled report per kind and period.
            models.UniqueConstraint(fields=["kind", "date_from", "date_to"], name="kpireport_unique_scheduled",
                                    condition=models.Q(kind__in=["daily", "monthly"])),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date_from}–{self.date_to}"


class ReportSubscription(models.Model):
    """A manager who receives a scheduled report by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="kpi_subscriptions")
    kind = models.CharField(_("kind"), max_length=16, choices=[(k, label) for k, label in Report.Kind.choices
                                                                if k != Report.Kind.EXPORT])

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="kpisubscription_unique")]

    def __str__(self):
        return f"{self.user}:{self.kind}"
