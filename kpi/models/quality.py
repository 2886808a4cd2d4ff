"""Quality inspection (质检): the admin's checklist and supervisors' scored inspections (imported by kpi.models)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QualityCheckItem(models.Model):
    """One line of the inspection checklist, scored 0–5 and weighted."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.CharField(_("what to look for"), max_length=255, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=25, validators=[MinValueValidator(1), MaxValueValidator(100)])
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("quality checklist item")
        verbose_name_plural = _("quality checklist items")

    def __str__(self):
        return self.name


class QualityInspection(models.Model):
    """A supervisor's inspection of one conversation: checklist scores, total percent and comment."""

    ticket = models.OneToOneField("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE,
                                  related_name="quality_inspection")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                              related_name="quality_inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.SET_NULL,
                                  null=True, related_name="+")
    score_percent = models.DecimalField(_("score, %"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("inspected at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quality inspection")
        verbose_name_plural = _("quality inspections")
        indexes = [models.Index(fields=["agent", "-created_at"], name="inspection_agent_created_idx")]

    def __str__(self):
        return f"{self.ticket_id}: {self.score_percent}%"


class QualityScore(models.Model):
    """The score one checklist item got in one inspection."""

    inspection = models.ForeignKey(QualityInspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="scores")
    item = models.ForeignKey(QualityCheckItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(5)])

    class Meta:
        verbose_name = _("quality score")
        verbose_name_plural = _("quality scores")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="qualityscore_unique_item")]

    def __str__(self):
        return f"{self.item_id}={self.score}"
