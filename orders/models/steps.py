"""The steps of a return: their deadlines and the events recorded on the way."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.events import AuditEvent, actor_field
from orders.models.returns import ReturnRequest


class ReturnDeadline(models.Model):
    """One step deadline of a return (退换货处理时效): due, met or breached, and any extension."""

    class Step(models.TextChoices):
        CONFIRM = "confirm", _("Application confirmed")
        PICKUP = "pickup", _("Pickup arranged")
        INSPECTION = "inspection", _("Goods inspected")
        REFUND = "refund", _("Refund issued")
        CASE = "case", _("Case completed")
        APPROVAL = "approval", _("Refund approved by a supervisor")

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)  # None: calendar year not covered
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    # A warning is due when WARNING_SHARE of the time allowed has passed; warned_at records it was given.
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extended_days = models.PositiveSmallIntegerField(_("business days added by extensions"), default=0)
    is_provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("The deadline reads a year without the official holiday schedule; it is recomputed when that is entered."),
    )

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("return deadline")
        verbose_name_plural = _("return deadlines")
        constraints = [models.UniqueConstraint(fields=["return_request", "step"], name="one_deadline_per_step")]
        indexes = [
            # The sweeper reads only open timers, soonest first.
            models.Index(fields=["due_at"], condition=Q(met_at__isnull=True, breached_at__isnull=True),
                         name="returndeadline_open_due_idx"),
            models.Index(fields=["warn_at"], condition=Q(met_at__isnull=True, breached_at__isnull=True, warned_at__isnull=True),
                         name="returndeadline_unwarned_idx"),
        ]

    def __str__(self):
        return f"{self.return_request_id}:{self.step}"


class ReturnEvent(AuditEvent):
    """One recorded step of a return: who did what, when; shown on the customer's timeline."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        NOTIFIED = "notified", _("Customer notified")
        EXTENDED = "extended", _("Deadline extended")
        BREACHED = "breached", _("Deadline breached")
        WARNING = "warning", _("Deadline close")
        RECOMPUTED = "recomputed", _("Deadline recomputed")
        NOTE = "note", _("Note")

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=24, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=24, blank=True)
    actor = actor_field(verbose_name=_("by"))
    is_public = models.BooleanField(_("shown to the customer"), default=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        indexes = [models.Index(fields=["return_request", "created_at"], name="returnevent_return_idx")]

    def __str__(self):
        return f"{self.return_request_id}:{self.kind}"

    @property
    def to_status_label(self) -> str:
        return ReturnRequest.Status(self.to_status).label if self.to_status else ""
