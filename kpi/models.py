"""KPI models: settings, the per-ticket fact table the dashboards aggregate, and the permission anchor."""

from django.conf import settings
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


class TicketFact(models.Model):
    """One ticket's measured facts (business-time response times, FCR, SLA outcomes), aggregated in SQL."""

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, primary_key=True, related_name="fact"
    )
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    customer_id = models.BigIntegerField(_("customer"))
    category_id = models.BigIntegerField(_("category"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16)
    kind = models.CharField(_("kind"), max_length=16)
    created_at = models.DateTimeField(_("created at"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    first_response_minutes = models.FloatField(_("first response time, business minutes"), null=True, blank=True)
    responses = models.PositiveIntegerField(_("answered customer messages"), default=0)
    response_minutes_total = models.FloatField(_("response time total, business minutes"), default=0)
    agent_replies = models.PositiveIntegerField(_("agent replies"), default=0)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    is_reopened = models.BooleanField(_("reopened"), default=False)
    is_first_contact_resolution = models.BooleanField(_("resolved at first contact"), default=False)
    sla_first_response_met = models.BooleanField(_("first response within SLA"), null=True, blank=True)
    sla_resolution_met = models.BooleanField(_("resolved within SLA"), null=True, blank=True)
    is_sla_excused = models.BooleanField(_("breach excused (force majeure)"), default=False)
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket fact")
        verbose_name_plural = _("ticket facts")
        indexes = [
            # Every summary is a range over created_at, optionally narrowed by team, agent or channel.
            models.Index(fields=["created_at", "team"], name="ticketfact_created_team_idx"),
            models.Index(fields=["agent", "created_at"], name="ticketfact_agent_created_idx"),
        ]

    def __str__(self):
        return f"fact:{self.ticket_id}"


class FactCursor(models.Model):
    """How far the fact sweeper has read ticket changes (one row per source)."""

    name = models.CharField(_("name"), max_length=32, primary_key=True)
    position = models.DateTimeField(_("read up to"))

    class Meta:
        verbose_name = _("fact cursor")
        verbose_name_plural = _("fact cursors")

    def __str__(self):
        return f"{self.name}@{self.position:%Y-%m-%d %H:%M:%S}"


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
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
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


from kpi.scorecard_models import Scorecard, ScorecardIndicator, ScorecardScheme  # noqa: E402,F401
from kpi.quality_models import QualityCheckItem, QualityInspection, QualityScore  # noqa: E402,F401
