from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from helpdesk.enqueue import enqueue_on_commit
from kpi import tasks
from kpi.models import (
    ConductRecord, KpiSettings, PeriodScorecard, QualityCheckItem, Report, ReportSubscription, Scorecard,
    ScorecardIndicator, ScorecardScheme, TrainingNote,
)


@admin.register(KpiSettings)
class KpiSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "calendar", "conversion_window_days", "updated_at")

    def has_add_permission(self, request):
        return not KpiSettings.objects.exists()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The conversion window is baked into the rollups (a calendar change needs `manage.py kpi_rebuild`).
        enqueue_on_commit(tasks.fact_rollups_refresh_recent)


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "kind")
    list_filter = ("kind",)
    autocomplete_fields = ("user",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("kind", "date_from", "date_to", "team", "status", "progress", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False


class IndicatorFormSet(BaseInlineFormSet):
    """Require the indicators' weights to sum to 100 %."""

    def clean(self):
        super().clean()
        weights = [form.cleaned_data.get("weight") or 0 for form in self.forms
                   if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if weights and sum(weights) != 100:
            raise ValidationError(_("The indicators' weights sum to %(total)s %%; they must sum to 100 %%.")
                                  % {"total": sum(weights)})


class ScorecardIndicatorInline(admin.TabularInline):
    model = ScorecardIndicator
    formset = IndicatorFormSet
    extra = 0


@admin.register(ScorecardScheme)
class ScorecardSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "system_weight", "supervisor_weight", "self_weight", "star_min_volume")
    inlines = [ScorecardIndicatorInline]


@admin.register(QualityCheckItem)
class QualityCheckItemAdmin(admin.ModelAdmin):
    list_display = ("name", "weight", "is_active", "position")
    list_editable = ("weight", "is_active", "position")


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("month", "agent", "team", "volume", "system_score", "final_score", "is_service_star")
    list_filter = ("month", "team", "is_service_star")
    readonly_fields = ("indicators", "system_score", "final_score", "is_service_star", "volume")


@admin.register(PeriodScorecard)
class PeriodScorecardAdmin(admin.ModelAdmin):
    list_display = ("kind", "period_start", "agent", "team", "months", "volume", "final_score", "rank", "is_service_star")
    list_filter = ("kind", "period_start", "team", "is_service_star")
    readonly_fields = [f.name for f in PeriodScorecard._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ConductRecord)
class ConductRecordAdmin(admin.ModelAdmin):
    list_display = ("date", "agent", "team", "kind", "category", "recorded_by")
    list_filter = ("kind", "category", "team")
    search_fields = ("agent__username", "agent__display_name", "note")
    autocomplete_fields = ("agent", "recorded_by")


@admin.register(TrainingNote)
class TrainingNoteAdmin(admin.ModelAdmin):
    list_display = ("topic", "scorecard", "due_date", "created_by")
    raw_id_fields = ("scorecard",)
    autocomplete_fields = ("created_by",)
