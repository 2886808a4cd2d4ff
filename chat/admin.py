"""Django admin of live chat: shop widgets (team, signing secret), agents' chat limits, sessions read-only."""

from django.contrib import admin

from chat.models import AgentPresence, ChatEvent, ChatLanguageHit, ChatMessage, ChatSession, ChatWidget
from helpdesk.admin import ReadOnlyAdminMixin

__all__: list[str] = []


@admin.register(ChatWidget)
class ChatWidgetAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "team", "is_auto_assign", "is_active"]
    list_filter = ["team", "is_active"]
    search_fields = ["name", "key"]


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "max_chats", "last_seen_at"]
    list_editable = ["max_chats"]
    list_filter = ["status"]
    search_fields = ["user__username", "user__display_name"]
    readonly_fields = ["status", "last_seen_at"]


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    extra = 0
    can_delete = False
    readonly_fields = ["seq", "sender", "author", "body", "image", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "widget", "visitor_name", "status", "agent", "team", "is_flagged", "created_at", "ticket"]
    list_filter = ["status", "is_flagged", "widget", "team"]
    list_select_related = ["widget", "agent", "team", "ticket"]
    inlines = [ChatMessageInline]
    readonly_fields = [f.name for f in ChatSession._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ChatEvent)
class ChatEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "session", "actor", "team", "agent", "created_at"]
    list_filter = ["kind"]


@admin.register(ChatLanguageHit)
class ChatLanguageHitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "phrase", "user", "message"]
    list_filter = ["kind", "phrase"]
    list_select_related = ["phrase", "user", "message"]
    date_hierarchy = "created_at"
