from django.contrib import admin

from kpi.models import KpiSettings, Report, ReportSubscription


@admin.register(KpiSettings)
class KpiSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "calendar", "conversion_window_days", "updated_at")

    def has_add_permission(self, request):
        return not KpiSettings.objects.exists()


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
