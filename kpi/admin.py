from django.contrib import admin

from kpi.models import KpiSettings


@admin.register(KpiSettings)
class KpiSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "calendar", "conversion_window_days", "updated_at")

    def has_add_permission(self, request):
        return not KpiSettings.objects.exists()
