from django.contrib import admin

from helpdesk.admin import ReadOnlyAdminMixin
from reviews.models import Review, ReviewEvent, ReviewRevision


class ReviewEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewEvent
    extra = 0
    readonly_fields = ["kind", "from_value", "to_value", "actor", "note", "created_at"]


class ReviewRevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewRevision
    extra = 0
    readonly_fields = ["rating", "text", "reviewed_at", "replaced_at"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read shop reviews with their earlier versions and history; they change through the intake and the outcome."""

    list_display = ["shop", "platform_review_id", "rating", "order_number", "sku", "outcome", "reviewed_at"]
    list_filter = ["shop", "rating", "outcome"]
    search_fields = ["platform_review_id", "order_number", "sku"]
    readonly_fields = ["order", "customer", "ticket", "agent", "team", "created_at", "updated_at"]
    inlines = [ReviewRevisionInline, ReviewEventInline]
