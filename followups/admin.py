"""Django admin of follow-up rules, survey questions and settings; visits, surveys and messages read-only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from followups.models import (
    CustomerMessage, FollowUpRule, FollowUpSettings, FollowUpVisit, MessageEvent, SmsTemplate, Survey, SurveyQuestion,
    SurveyResponse,
)
from helpdesk.admin import ReadOnlyAdminMixin


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "min_days_between_visits", "max_attempts", "retry_after_hours", "survey_expiry_days",
                    "low_score_threshold"]

    def has_add_permission(self, request):
        return not FollowUpSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "trigger", "delay_days", "delay_unit", "kind", "channel", "owner", "team", "is_active"]
    list_filter = ["trigger", "kind", "channel", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "is_active"]}),
        (_("When"), {"fields": ["trigger", "delay_days", "delay_unit", "calendar", "segment_level", "segment_tag"]}),
        (_("What and who"), {"fields": ["kind", "channel", "owner", "team", "script", "message"]}),
        (_("Quiet hours"), {"fields": ["quiet_start", "quiet_end", "is_holiday_quiet"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # Visits keep pointing at their rule; deactivate a rule instead of deleting it.
        return False


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "text_zh", "text_en", "weight", "position", "is_active"]
    list_editable = ["weight", "position", "is_active"]


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["due_at", "customer", "rule", "kind", "status", "skip_reason", "assignee", "outcome"]
    list_filter = ["status", "kind", "skip_reason", "rule"]
    raw_id_fields = ["customer", "order", "return_request", "ticket", "assignee", "handler", "created_ticket"]
    show_full_result_count = False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "customer", "agent", "team", "expires_at", "responded_at"]
    raw_id_fields = ["customer", "visit", "ticket", "return_request", "order", "agent"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["submitted_at", "customer", "overall", "score", "agent", "team", "is_low"]
    list_filter = ["is_low", "overall"]
    raw_id_fields = ["survey", "customer", "ticket", "return_request", "order", "agent", "low_score_ticket"]


class MessageEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MessageEvent
    fields = ["created_at", "kind", "note"]
    readonly_fields = fields
    extra = 0


@admin.register(CustomerMessage)
class CustomerMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "customer", "kind", "channel", "status", "attempts", "backend"]
    list_filter = ["channel", "status", "kind"]
    raw_id_fields = ["customer", "visit", "ticket"]
    # The notice's fields hold a survey's live link (an SMS template parameter): not shown to staff.
    exclude = ["context"]
    inlines = [MessageEventInline]


class SmsTemplateForm(forms.ModelForm):
    class Meta:
        model = SmsTemplate
        fields = ["provider", "kind", "language", "template_code", "sign_name", "params", "is_active"]

    def clean_params(self):
        """Accept an object of template parameter name → notice field, or a list of notice fields (in order)."""
        params = self.cleaned_data.get("params")
        if params in (None, ""):
            return {}
        if isinstance(params, dict):
            values = list(params) + list(params.values())
        elif isinstance(params, list):
            values = params
        else:
            values = [None]
        if not all(isinstance(value, str) and value for value in values):
            raise forms.ValidationError(_("Give an object of template parameter name → notice field, or a list of "
                                          "notice fields in the template's order; all as text."))
        return params


@admin.register(SmsTemplate)
class SmsTemplateAdmin(admin.ModelAdmin):
    """Templates registered with the SMS providers: code, sign name and parameters per notice kind (no credentials)."""

    form = SmsTemplateForm
    list_display = ["provider", "kind", "language", "template_code", "sign_name", "is_active"]
    list_filter = ["provider", "kind", "language", "is_active"]
    search_fields = ["template_code", "sign_name"]
