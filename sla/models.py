"""SLA policies, per-ticket SLA state and timers, and the in-app notifications of warnings and breaches.

The tables keep the names they were created with (``db_table``): renaming busy tables buys nothing.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tickets.models import Ticket, TicketStep


def default_pause_statuses() -> list[str]:
    return ["pending_customer"]


ESCALATION_CHOICES = [("supervisor", _("the team supervisor")), ("manager", _("the manager"))]


class SLAPolicy(models.Model):
    """An SLA policy (服务时效标准): which tickets it covers, its calendar, targets and breach actions."""

    class Unit(models.TextChoices):
        BUSINESS_MINUTES = "business_minutes", _("business minutes")
        BUSINESS_HOURS = "business_hours", _("business hours")
        BUSINESS_DAYS = "business_days", _("business days")
        CALENDAR_MINUTES = "calendar_minutes", _("calendar minutes")
        CALENDAR_HOURS = "calendar_hours", _("calendar hours")

    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"), default=100, help_text=_("The first matching policy applies."))
    is_active = models.BooleanField(_("active"), default=True)
    kind = models.CharField(_("kind"), max_length=16, blank=True, help_text=_("Blank matches any."))
    channel = models.CharField(_("channel"), max_length=16, blank=True, help_text=_("Blank matches any."))
    priority = models.CharField(_("priority"), max_length=8, blank=True, help_text=_("Blank matches any."))
    category = models.ForeignKey(
        "tickets.Category", verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True
    )
    customer_level = models.CharField(_("customer level"), max_length=16, blank=True)
    customer_tag = models.CharField(_("customer tag"), max_length=32, blank=True)
    calendar = models.ForeignKey(
        "helpdesk.BusinessCalendar", verbose_name=_("business calendar"), on_delete=models.PROTECT
    )
    first_response_value = models.PositiveIntegerField(
        _("first response (首次响应)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    first_response_unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.BUSINESS_HOURS)
    next_response_value = models.PositiveIntegerField(
        _("next response"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    next_response_unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.BUSINESS_HOURS)
    resolution_value = models.PositiveIntegerField(
        _("resolution (问题解决)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    resolution_unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.BUSINESS_DAYS)
    pause_statuses = models.JSONField(_("statuses that pause the clock"), default=default_pause_statuses, blank=True)
    warning_percent = models.PositiveSmallIntegerField(
        _("warning threshold, percent elapsed"), default=80, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    notify_assignee = models.BooleanField(_("on breach: notify the assignee"), default=True)
    notify_supervisor = models.BooleanField(_("on breach: notify the team supervisor"), default=True)
    raise_priority = models.BooleanField(_("on breach: raise the priority"), default=False)
    move_to_supervisor = models.BooleanField(_("on breach: move to the supervisor's queue"), default=False)
    escalate_first_response = models.CharField(
        _("first response breached: escalate to"), max_length=10, blank=True, choices=ESCALATION_CHOICES)
    escalate_next_response = models.CharField(
        _("next response breached: escalate to"), max_length=10, blank=True, choices=ESCALATION_CHOICES)
    escalate_resolution = models.CharField(
        _("resolution breached: escalate to"), max_length=10, blank=True, choices=ESCALATION_CHOICES)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        db_table = "tickets_slapolicy"
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self):
        return self.name

    def clean(self):
        unknown = set(self.pause_statuses or []) - set(Ticket.Status.values)
        if not isinstance(self.pause_statuses, list) or unknown:
            raise ValidationError({"pause_statuses": _("Use a list of ticket statuses, e.g. [\"pending_customer\"].")})
        if not (self.first_response_value or self.next_response_value or self.resolution_value):
            raise ValidationError(_("Set at least one target."))
        for field, choices in (("kind", Ticket.Kind), ("channel", Ticket.Channel), ("priority", Ticket.Priority)):
            value = getattr(self, field)
            if value and value not in choices.values:
                raise ValidationError({field: _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}})

    def target(self, name: str) -> tuple[int | None, str]:
        """Return (value, unit) of a target: first_response, next_response or resolution."""
        return getattr(self, f"{name}_value"), getattr(self, f"{name}_unit")


class TicketSLA(models.Model):
    """A ticket's SLA state: the policy that applies and a supervisor's force-majeure hold (不可抗力)."""

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, primary_key=True, related_name="sla"
    )
    policy = models.ForeignKey(SLAPolicy, verbose_name=_("SLA policy"), on_delete=models.SET_NULL, null=True, blank=True)
    is_held = models.BooleanField(_("paused by a supervisor"), default=False)
    held_reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        db_table = "tickets_ticketsla"
        verbose_name = _("ticket SLA")
        verbose_name_plural = _("ticket SLAs")

    def __str__(self):
        return f"{self.ticket_id}:{self.policy_id}"


class TicketSLATimer(models.Model):
    """One SLA target of a ticket with its stored deadline; swept by ``next_check_at``."""

    class Target(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        NEXT_RESPONSE = "next_response", _("Next response")
        RESOLUTION = "resolution", _("Resolution")

    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_timers")
    target = models.CharField(_("target"), max_length=16, choices=Target.choices)
    cycle = models.PositiveIntegerField(_("cycle"), default=1, help_text=_("Next response: one per customer message waiting."))
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    warning_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    first_breached_at = models.DateTimeField(
        _("first breached at"), null=True, blank=True,
        help_text=_("Kept when an extension moves a breached deadline into the future: the breach still counts."),
    )
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_minutes = models.FloatField(_("paused minutes"), default=0, help_text=_("In the target's unit measure."))
    extended_minutes = models.FloatField(_("extended minutes"), default=0)
    is_excused = models.BooleanField(_("excused (force majeure)"), default=False)
    is_provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("The deadline reads a year without the official holiday schedule; it is recomputed when that is entered."),
    )
    problem = models.CharField(_("problem"), max_length=255, blank=True)

    class Meta:
        ordering = ["ticket", "target"]
        db_table = "tickets_ticketslatimer"
        verbose_name = _("SLA timer")
        verbose_name_plural = _("SLA timers")
        constraints = [models.UniqueConstraint(fields=["ticket", "target"], name="ticketslatimer_unique_target")]
        permissions = [
            ("view_at_risk", _("Can see the at-risk list of their teams")),
            ("extend_sla", _("Can extend or pause SLA deadlines for force majeure")),
        ]
        indexes = [
            # The sweeper's range query: only timers that still have something to check.
            models.Index(fields=["next_check_at"], name="slatimer_next_check_idx",
                         condition=models.Q(next_check_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.ticket_id}:{self.target}"


class StepPolicy(models.Model):
    """Step deadlines of the complaint flow (投诉处理时效) for tickets of a kind and category, on a calendar.

    Each deadline is counted from the intake (the ticket's creation); the first active match by order applies.
    """

    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"), default=100, help_text=_("The first matching policy applies."))
    is_active = models.BooleanField(_("active"), default=True)
    kind = models.CharField(_("kind"), max_length=16, blank=True, choices=Ticket.Kind.choices,
                            help_text=_("Blank matches any."))
    category = models.ForeignKey(
        "tickets.Category", verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True,
        help_text=_("Blank matches any; a category also matches its sub-categories."),
    )
    calendar = models.ForeignKey(
        "helpdesk.BusinessCalendar", verbose_name=_("business calendar"), on_delete=models.PROTECT
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warning threshold, percent elapsed"), default=80, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    notify_assignee = models.BooleanField(_("on breach: notify the assignee"), default=True)
    notify_supervisor = models.BooleanField(_("on breach: notify the team supervisor"), default=True)
    escalate = models.BooleanField(_("on breach: escalate to the team supervisor"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("step deadline policy")
        verbose_name_plural = _("step deadline policies")

    def __str__(self):
        return self.name


class StepDeadlineRule(models.Model):
    """How long after intake one complaint step is due under a step policy."""

    policy = models.ForeignKey(StepPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="rules")
    step = models.CharField(_("step"), max_length=16, choices=TicketStep.Step.choices)
    value = models.PositiveIntegerField(_("due after"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=20, choices=SLAPolicy.Unit.choices, default=SLAPolicy.Unit.BUSINESS_DAYS)

    class Meta:
        ordering = ["policy", "id"]
        verbose_name = _("step deadline")
        verbose_name_plural = _("step deadlines")
        constraints = [models.UniqueConstraint(fields=["policy", "step"], name="stepdeadlinerule_once")]

    def __str__(self):
        return f"{self.step}: {self.value} {self.unit}"


class TicketStepDeadline(models.Model):
    """One complaint step's stored deadline on a ticket; swept by ``next_check_at`` like the SLA timers."""

    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE,
                               related_name="step_deadlines")
    step = models.CharField(_("step"), max_length=16, choices=TicketStep.Step.choices)
    policy = models.ForeignKey(StepPolicy, verbose_name=_("policy"), on_delete=models.SET_NULL, null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warning_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    met_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    is_provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("The deadline reads a year without the official holiday schedule; it is recomputed when that is entered."),
    )
    problem = models.CharField(_("problem"), max_length=255, blank=True)

    class Meta:
        ordering = ["ticket", "id"]
        verbose_name = _("step deadline of a ticket")
        verbose_name_plural = _("step deadlines of tickets")
        constraints = [models.UniqueConstraint(fields=["ticket", "step"], name="ticketstepdeadline_once")]
        indexes = [
            # The sweeper's range query: only deadlines that still have something to check.
            models.Index(fields=["next_check_at"], name="stepdeadline_next_check_idx",
                         condition=models.Q(next_check_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.ticket_id}:{self.step}"


class Notification(models.Model):
    """An in-app notification (站内通知) for one user, e.g. an SLA warning or breach."""

    class Kind(models.TextChoices):
        SLA_WARNING = "sla_warning", _("SLA warning")
        SLA_BREACH = "sla_breach", _("SLA breached")
        APPROVAL = "approval", _("Approval requested")
        DECISION = "decision", _("Approval decided")
        ESCALATED = "escalated", _("Escalated to you")
        STEP_WARNING = "step_warning", _("Complaint step due soon")
        STEP_BREACH = "step_breach", _("Complaint step overdue")
        ARTICLE_FLAG = "article_flag", _("Article flagged as outdated")
        TASK = "task", _("Department task")
        TASK_WARNING = "task_warning", _("Department task due soon")
        TASK_OVERDUE = "task_overdue", _("Department task overdue")
        TASK_ESCALATED = "task_escalated", _("Department task escalated")
        TASK_DONE = "task_done", _("Department task done")
        TRAINING = "training", _("Training assigned")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=255)
    dedupe_key = models.CharField(max_length=96, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True, help_text=_("The page the notification leads to."))

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "tickets_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return f"{self.recipient_id}:{self.kind}"
