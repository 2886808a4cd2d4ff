"""Django admin for SLA policies and timers."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ReadOnlyAdminMixin
from helpdesk.enqueue import enqueue_on_commit
from sla.models import SLAPolicy, StepDeadlineRule, StepPolicy, TicketSLATimer, TicketStepDeadline
from sla.tasks import sla_policy_recompute, step_policy_recompute
from tickets.models import Ticket


def _choice_column(field: str, description, choices) -> object:
    """Return a changelist column showing a ticket attribute a policy matches by its label ("any" when blank)."""
    labels = dict(choices)

    @admin.display(description=description, ordering=field)
    def column(policy):
        value = getattr(policy, field)
        return labels.get(value, value) if value else _("any")

    column.__name__ = field
    return column


KIND_COLUMN = _choice_column("kind", _("kind"), Ticket.Kind.choices)


class SLAPolicyForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("any"))] + list(Ticket.Kind.choices), required=False)
    channel = forms.ChoiceField(label=_("channel"), choices=[("", _("any"))] + list(Ticket.Channel.choices), required=False)
    priority = forms.ChoiceField(label=_("priority"), choices=[("", _("any"))] + list(Ticket.Priority.choices), required=False)
    pause_statuses = forms.MultipleChoiceField(
        label=_("statuses that pause the clock"), choices=Ticket.Status.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SLAPolicy
        fields = "__all__"


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    form = SLAPolicyForm
    list_display = ["name", "position", "is_active", KIND_COLUMN,
                    _choice_column("channel", _("channel"), Ticket.Channel.choices),
                    _choice_column("priority", _("priority"), Ticket.Priority.choices), "calendar",
                    "first_response", "resolution"]
    list_editable = ["position", "is_active"]
    list_select_related = ["calendar"]
    fieldsets = [
        (None, {"fields": ["name", "position", "is_active", "calendar"]}),
        (_("Applies to"), {"fields": ["kind", "channel", "priority", "category", "customer_level", "customer_tag"]}),
        (_("Targets"), {"fields": [("first_response_value", "first_response_unit"),
                                   ("next_response_value", "next_response_unit"),
                                   ("resolution_value", "resolution_unit"), "pause_statuses", "warning_percent"]}),
        (_("On breach"), {"fields": ["notify_assignee", "notify_supervisor", "raise_priority", "move_to_supervisor",
                                     "escalate_first_response", "escalate_next_response", "escalate_resolution"]}),
    ]

    @admin.display(description=_("first response"))
    def first_response(self, policy):
        return f"{policy.first_response_value} {policy.get_first_response_unit_display()}" if policy.first_response_value else "—"

    @admin.display(description=_("resolution"))
    def resolution(self, policy):
        return f"{policy.resolution_value} {policy.get_resolution_unit_display()}" if policy.resolution_value else "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enqueue_on_commit(sla_policy_recompute)


@admin.register(TicketSLATimer)
class TicketSLATimerAdmin(admin.ModelAdmin):
    list_display = ["ticket", "target", "cycle", "due_at", "warned_at", "breached_at", "first_breached_at", "met_at", "paused_at",
                    "is_excused"]
    list_filter = ["target", "is_excused"]
    raw_id_fields = ["ticket"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepDeadlineRuleInline(admin.TabularInline):
    model = StepDeadlineRule
    extra = 0


@admin.register(StepPolicy)
class StepPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active", KIND_COLUMN, "category", "calendar", "warning_percent", "escalate"]
    list_editable = ["position", "is_active"]
    list_select_related = ["calendar", "category"]
    inlines = [StepDeadlineRuleInline]
    fieldsets = [
        (None, {"fields": ["name", "position", "is_active", "calendar", "warning_percent"]}),
        (_("Applies to"), {"fields": ["kind", "category"]}),
        (_("On breach"), {"fields": ["notify_assignee", "notify_supervisor", "escalate"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        enqueue_on_commit(step_policy_recompute)


@admin.register(TicketStepDeadline)
class TicketStepDeadlineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "step", "due_at", "is_provisional", "warned_at", "breached_at", "met_at"]
    list_filter = ["step", "is_provisional"]
    raw_id_fields = ["ticket"]
    show_full_result_count = False
