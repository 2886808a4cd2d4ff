from django.contrib import admin

from reviews.models import Review, ReviewEvent, ReviewRevision


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "from_value", "to_value", "actor", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ReviewRevisionInline(admin.TabularInline):
    model = ReviewRevision
    extra = 0
    can_delete = False
    readonly_fields = ["rating", "text", "reviewed_at", "replaced_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["shop", "platform_review_id", "rating", "order_number", "sku", "outcome", "reviewed_at"]
    list_filter = ["shop", "rating", "outcome"]
    search_fields = ["platform_review_id", "order_number", "sku"]
    readonly_fields = ["order", "customer", "ticket", "agent", "team", "created_at", "updated_at"]
    inlines = [ReviewRevisionInline, ReviewEventInline]
