"""Conduct record (奖惩记录): supervisors' commendations and violations of agents, and training notes on scorecards."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

STRIKES = 3  # violations of the same category in a period that flag the scorecard


class ConductRecord(models.Model):
    """A commendation or violation (违纪) of an agent, recorded by a supervisor of the agent's team."""

    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("Commendation")
        VIOLATION = "violation", _("Violation")

    class Category(models.TextChoices):
        ATTITUDE = "attitude", _("Service attitude")
        LANGUAGE = "language", _("Service language")
        TIMELINESS = "timeliness", _("Late replies")
        PROCESS = "process", _("Process not followed")
        ATTENDANCE = "attendance", _("Attendance")
        OTHER = "other", _("Other")

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                              related_name="conduct_records")
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=2000)
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("conduct record")
        verbose_name_plural = _("conduct records")
        indexes = [models.Index(fields=["agent", "date"], name="conduct_agent_date_idx"),
                   models.Index(fields=["team", "date"], name="conduct_team_date_idx")]

    def __str__(self):
        return f"{self.agent} {self.get_kind_display()} {self.date}"


class TrainingNote(models.Model):
    """What an agent should be trained on after a scorecard, and by when; the agent sees it on the card."""

    scorecard = models.ForeignKey("kpi.Scorecard", verbose_name=_("scorecard"), on_delete=models.CASCADE,
                                  related_name="training_notes")
    topic = models.CharField(_("what to train"), max_length=200)
    due_date = models.DateField(_("due date"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("training note")
        verbose_name_plural = _("training notes")

    def __str__(self):
        return self.topic
