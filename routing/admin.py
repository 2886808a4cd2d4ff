from django.contrib import admin

from routing.models import RoutingProfile, TeamRouting


@admin.register(TeamRouting)
class TeamRoutingAdmin(admin.ModelAdmin):
    list_display = ["team", "mode", "is_category_matched", "changed_at"]
    list_filter = ["mode", "is_category_matched"]
    search_fields = ["team__name", "team__code"]
    autocomplete_fields = ["team"]


@admin.register(RoutingProfile)
class RoutingProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "max_open_tickets"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["categories"]
