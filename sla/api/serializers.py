"""Serializers of the SLA API: a ticket's ``sla`` block, force-majeure requests, notifications."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from helpdesk.api import strict
from sla.models import Notification, TicketSLATimer
from tickets.models import TicketStep
from tickets.workflow import STEP_STATES


class SLATargetSerializer(serializers.Serializer):
    due_at = strict.DateTimeField(allow_null=True)
    met_at = strict.DateTimeField(allow_null=True)
    breached_at = strict.DateTimeField(allow_null=True, help_text=_("Set while the current deadline is breached."))
    first_breached_at = strict.DateTimeField(
        allow_null=True, help_text=_("The first breach, kept after an extension moved the deadline ahead (still a breach in the KPI)."),
    )
    warning_at = strict.DateTimeField(allow_null=True)
    paused_at = strict.DateTimeField(allow_null=True)
    is_excused = strict.BooleanField()
    problem = strict.CharField(help_text=_("Why no deadline could be computed (e.g. a calendar without working time)."))
    is_provisional = strict.BooleanField(
        help_text=_("The deadline reads a year without the official holiday schedule (statutory holidays by rule, "
                    "no make-up days); it is recomputed when the schedule is entered."),
    )


class SLATargetsSerializer(serializers.Serializer):
    first_response = SLATargetSerializer(allow_null=True)
    next_response = SLATargetSerializer(allow_null=True)
    resolution = SLATargetSerializer(allow_null=True)


class TicketSLASerializer(serializers.Serializer):
    """The ``sla`` block of a ticket; ``TicketSLASerializer(sla_block(ticket)).data``."""

    policy = strict.CharField(allow_null=True)
    paused = strict.BooleanField()
    held_reason = strict.CharField()
    targets = SLATargetsSerializer()


class SLAExtendSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=60 * 24 * 30,
                                       help_text=_("Minutes of each target's measure (business or calendar)."))
    reason = strict.CharField(min_length=2, max_length=200)
    target = strict.ChoiceField(choices=TicketSLATimer.Target.choices, required=False, allow_null=True)


class SLAPauseSerializer(serializers.Serializer):
    reason = strict.CharField(min_length=2, max_length=200)


class NotificationSerializer(strict.ModelSerializer):
    ticket_number = strict.CharField(source="ticket.number", allow_null=True, read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "ticket", "ticket_number", "link", "created_at", "read_at"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class ComplaintStepSerializer(serializers.Serializer):
    """One of the seven complaint steps of a ticket (``sla.selectors.complaint_progress``)."""

    step = strict.ChoiceField(choices=TicketStep.Step.choices)
    label = strict.CharField()
    done = strict.BooleanField()
    current = strict.BooleanField(help_text=_("The first step not done while the ticket is active."))
    completed_at = strict.DateTimeField(allow_null=True)
    actor = serializers.SerializerMethodField(help_text=_("Who completed the step; null for the system."))
    note = strict.CharField(help_text=_("The agent's note when the step was completed explicitly."))
    is_explicit = strict.BooleanField(help_text=_("Completed by an agent, not implied by an action."))
    due_at = strict.DateTimeField(allow_null=True, help_text=_("The step's deadline, counted from intake; null without one."))
    is_provisional = strict.BooleanField(
        help_text=_("The deadline reads a year without the official holiday schedule; it is recomputed when the "
                    "schedule is entered."),
    )
    state = strict.ChoiceField(choices=STEP_STATES, allow_null=True, help_text=_("Null when the step has no deadline."))

    def get_actor(self, row) -> str | None:
        return str(row["actor"]) if row["actor"] is not None else None


class StepCompleteSerializer(serializers.Serializer):
    step = strict.ChoiceField(choices=TicketStep.Step.choices)
    note = strict.CharField(max_length=2000, help_text=_("What was done to complete the step."))
