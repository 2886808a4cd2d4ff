from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ReadOnlyAdminMixin, as_written
from tickets.selectors import department_team_ids_forget
from tickets.models import (
    Attachment,
    CannedReply,
    Category,
    ForbiddenPhrase,
    DepartmentTeam,
    InternalTask,
    Remedy,
    RemedyLimit,
    ServiceLanguageHit,
    Tag,
    Ticket,
    TicketEvent,
    TicketMessage,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", as_written("code", _("code")), "parent", "position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "code"]


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    extra = 0
    fields = ["created_at", "sender", "author", "is_internal", "body"]
    readonly_fields = fields
    can_delete = False


class TicketEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "from_value", "to_value", "note"]
    readonly_fields = fields


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "colour", "created_at"]
    search_fields = ["name"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "subject", "kind", "channel", "status", "priority", "team", "assignee", "updated_at"]
    list_filter = ["status", "kind", "channel", "priority", "team"]
    search_fields = ["number", "subject"]
    list_select_related = ["team", "assignee"]
    raw_id_fields = ["customer", "order", "assignee"]
    readonly_fields = ["number", "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at"]
    inlines = [TicketMessageInline, TicketEventInline]
    show_full_result_count = False


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = [as_written("shortcut", _("shortcut")), "title", "team", "is_active"]
    list_filter = ["is_active", "team"]
    search_fields = ["shortcut", "title", "body"]


@admin.register(ForbiddenPhrase)
class ForbiddenPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "kind", "suggestion", "is_active", "hit_count"]
    list_filter = ["kind", "is_active"]
    search_fields = ["phrase", "suggestion"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(hit_total=Count("hits"))

    @admin.display(description=_("times flagged"), ordering="hit_total")
    def hit_count(self, obj):
        return obj.hit_total


@admin.register(ServiceLanguageHit)
class ServiceLanguageHitAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "phrase", "user", "ticket", "message"]
    list_filter = ["kind", "phrase"]
    list_select_related = ["phrase", "user", "ticket", "message"]
    raw_id_fields = ["ticket", "message"]
    date_hierarchy = "created_at"


@admin.register(RemedyLimit)
class RemedyLimitAdmin(admin.ModelAdmin):
    list_display = ["role", "amount"]


@admin.register(Remedy)
class RemedyAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "amount", "status", "proposed_by", "decided_by", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["ticket", "proposed_by", "decided_by"]
    raw_id_fields = ["ticket"]
    readonly_fields = ["status", "proposed_by", "decided_by", "decided_at", "decision_reason", "agreed_at"]


@admin.register(InternalTask)
class InternalTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "ticket", "department", "team", "assignee", "due_at", "is_done"]
    list_filter = ["is_done", "department"]
    list_select_related = ["ticket", "team", "assignee"]
    raw_id_fields = ["ticket", "assignee", "done_by", "created_by"]
    readonly_fields = ["warned_at", "overdue_at", "escalated_at", "next_check_at"]


@admin.register(DepartmentTeam)
class DepartmentTeamAdmin(admin.ModelAdmin):
    list_display = ["department", "team"]
    list_select_related = ["team"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(department_team_ids_forget)  # the navigation shows the queue to the new team at once

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(department_team_ids_forget)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(department_team_ids_forget)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "ticket", "content_type", "size", "uploaded_by", "created_at"]
    list_select_related = ["ticket", "uploaded_by"]
    raw_id_fields = ["ticket", "message"]
