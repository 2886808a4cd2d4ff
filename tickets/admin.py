from django.contrib import admin

from tickets.models import Category, Ticket, TicketEvent, TicketMessage


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "code"]


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    extra = 0
    fields = ["created_at", "sender", "author", "is_internal", "body"]
    readonly_fields = fields
    can_delete = False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "from_value", "to_value", "note"]
    readonly_fields = fields
    can_delete = False


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

from tickets import sla_admin  # noqa: E402,F401  (registers the SLA admin)
