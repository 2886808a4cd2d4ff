"""Agent scorecards (绩效考核): the admin's scheme and indicators, and each agent's monthly card (imported by kpi.models)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
RATING = [MinValueValidator(1), MaxValueValidator(5)]
MONTH_WEIGHTING = [("volume", _("tickets of the month")), ("equal", _("equally"))]


class ScorecardScheme(models.Model):
    """How the monthly score is put together: the parts' weights and the Service Star's minimum volume."""

    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("The newest active scheme is used."))
    system_weight = models.PositiveSmallIntegerField(_("system indicators, %"), default=70, validators=PERCENT)
    supervisor_weight = models.PositiveSmallIntegerField(_("supervisor's rating, %"), default=20, validators=PERCENT)
    self_weight = models.PositiveSmallIntegerField(_("self-assessment, %"), default=10, validators=PERCENT)
    star_min_volume = models.PositiveIntegerField(
        _("Service Star minimum tickets"), default=30, help_text=_("服务之星 goes to the top final score among agents with at least this many tickets in the month."),
    )
    quarter_weighting = models.CharField(
        _("quarter: months weighted by"), max_length=8, default="volume", choices=MONTH_WEIGHTING,
        help_text=_("A quarter's score is the mean of its monthly final scores, each month weighted by its tickets or equally."),
    )
    year_weighting = models.CharField(
        _("year: months weighted by"), max_length=8, default="volume", choices=MONTH_WEIGHTING,
        help_text=_("A year's score is the mean of its monthly final scores, each month weighted by its tickets or equally."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-is_active", "-updated_at"]
        verbose_name = _("scorecard scheme")
        verbose_name_plural = _("scorecard schemes")

    def __str__(self):
        return self.name

    def clean(self):
        if self.system_weight + self.supervisor_weight + self.self_weight != 100:
            raise ValidationError(_("The weights of system indicators, supervisor's rating and self-assessment must sum to 100 %."))


class ScorecardIndicator(models.Model):
    """One system indicator of a scheme: where its value comes from, its weight, and the thresholds of scores 2–5."""

    class Source(models.TextChoices):
        FIRST_RESPONSE_TIME = "first_response_time_mean", _("First response time (mean, minutes)")
        AVERAGE_RESPONSE_TIME = "average_response_time", _("Average response time (minutes)")
        RESOLUTION_SLA_RATE = "resolution_sla_rate", _("Resolution within deadline, %")
        FIRST_CONTACT_RESOLUTION = "first_contact_resolution_rate", _("First-contact resolution, %")
        COMPLAINT_TIMELINESS = "complaint_timeliness_rate", _("Complaint handling timeliness, %")
        STEP_TIMELINESS = "step_timeliness_rate", _("Complaint steps completed by their deadline, %")
        SATISFACTION = "satisfaction", _("Customer satisfaction (surveys, 1–5)")
        ANSWER_ACCURACY = "answer_accuracy", _("Answer accuracy from quality inspection, %")
        SERVICE_LANGUAGE = "service_language", _("Replies without forbidden or discouraged phrases, %")
        TRAINING_COMPLETION = "training_completion", _("Training due in the month completed and passed, %")

    scheme = models.ForeignKey(ScorecardScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=40, help_text=_("e.g. 响应速度, 解决率, 客户满意度, 技术支持"))
    source = models.CharField(_("measured by"), max_length=32, choices=Source.choices)
    weight = models.PositiveSmallIntegerField(_("weight, %"), validators=PERCENT)
    is_higher_better = models.BooleanField(_("higher is better"), default=True)
    threshold_2 = models.DecimalField(_("score 2 from"), max_digits=8, decimal_places=2)
    threshold_3 = models.DecimalField(_("score 3 from"), max_digits=8, decimal_places=2)
    threshold_4 = models.DecimalField(_("score 4 from"), max_digits=8, decimal_places=2)
    threshold_5 = models.DecimalField(_("score 5 from"), max_digits=8, decimal_places=2)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"), default=0)

    class Meta:
        ordering = ["scheme", "position", "id"]
        verbose_name = _("scorecard indicator")
        verbose_name_plural = _("scorecard indicators")

    def __str__(self):
        return f"{self.name} {self.weight}%"

    def clean(self):
        steps = [self.threshold_2, self.threshold_3, self.threshold_4, self.threshold_5]
        if None in steps:
            return
        ordered = sorted(steps) if self.is_higher_better else sorted(steps, reverse=True)
        if steps != ordered:
            raise ValidationError(_("Thresholds must rise from score 2 to score 5 (or fall, when lower is better)."))

    def score(self, value: float | None) -> int | None:
        """Return the 1–5 score of a measured value (None when there is no data)."""
        if value is None:
            return None
        value = Decimal(str(value))
        steps = [(5, self.threshold_5), (4, self.threshold_4), (3, self.threshold_3), (2, self.threshold_2)]
        for score, threshold in steps:
            if (value >= threshold) if self.is_higher_better else (value <= threshold):
                return score
        return 1


class Scorecard(models.Model):
    """One agent's monthly evaluation: system indicators, the supervisor's rating, self-assessment and final score."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                              related_name="scorecards")
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    scheme = models.ForeignKey(ScorecardScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    volume = models.PositiveIntegerField(_("tickets"), default=0)
    indicators = models.JSONField(_("indicators"), default=list)
    system_score = models.DecimalField(_("system score"), max_digits=4, decimal_places=2, null=True, blank=True)
    supervisor_rating = models.PositiveSmallIntegerField(_("supervisor's rating"), null=True, blank=True, validators=RATING)
    supervisor_comment = models.TextField(_("supervisor's comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    self_rating = models.PositiveSmallIntegerField(_("self-assessment"), null=True, blank=True, validators=RATING)
    self_comment = models.TextField(_("self-assessment comment"), blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=4, decimal_places=2, null=True, blank=True)
    is_service_star = models.BooleanField(_("Service Star 服务之星"), default=False)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["-month", "-final_score", "agent_id"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [models.UniqueConstraint(fields=["month", "agent"], name="scorecard_unique_month_agent")]
        indexes = [models.Index(fields=["month", "team"], name="scorecard_month_team_idx")]

    def __str__(self):
        return f"{self.agent} {self.month:%Y-%m}"


class PeriodScorecard(models.Model):
    """One agent's quarterly or yearly result, rolled up from the monthly final scores of the period."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    kind = models.CharField(_("period"), max_length=8, choices=Kind.choices)
    period_start = models.DateField(_("period start"), help_text=_("The first day of the quarter or year."))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                              related_name="period_scorecards")
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    months = models.PositiveSmallIntegerField(_("months scored"), default=0)
    volume = models.PositiveIntegerField(_("tickets"), default=0)
    final_score = models.DecimalField(_("final score"), max_digits=4, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    is_service_star = models.BooleanField(_("Service Star 服务之星"), default=False)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["kind", "-period_start", "rank", "agent_id"]
        verbose_name = _("period scorecard")
        verbose_name_plural = _("period scorecards")
        constraints = [models.UniqueConstraint(fields=["kind", "period_start", "agent"], name="period_scorecard_unique")]
        indexes = [models.Index(fields=["kind", "period_start", "team"], name="period_scorecard_team_idx")]

    def __str__(self):
        return f"{self.agent} {self.kind} {self.period_start:%Y-%m}"
