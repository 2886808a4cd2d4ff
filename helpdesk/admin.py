from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Team, User
from helpdesk.services import user_sync_staff

admin.site.site_header = _("Helpdesk administration")
admin.site.site_title = _("Helpdesk admin")
admin.site.index_title = _("Policies, users and teams")


class TeamMembershipInline(admin.TabularInline):
    model = Team.members.through
    extra = 0
    verbose_name = _("team membership")
    verbose_name_plural = _("team memberships")
    autocomplete_fields = ["team"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "role_names", "is_active", "is_staff"]
    list_filter = ["groups", "teams", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Helpdesk"), {"fields": ["display_name"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Helpdesk"), {"fields": ["display_name", "groups"]}),)
    inlines = [TeamMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_sync_staff(user=form.instance)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "supervisor", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    autocomplete_fields = ["supervisor"]
    filter_horizontal = ["members"]
