from django.contrib import admin

from orders.models import (Carrier, Order, OrderImport, OrderItem, OrderStatusChange, ReturnDeadline, ReturnEvent,
                           ReturnItem, ReturnPolicy, ReturnRequest, ShopTeam, Sku, WebhookDelivery)
from helpdesk.admin import ReadOnlyAdminMixin


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "source", "changed_at"]
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "shop", "status", "total_amount", "placed_at"]
    list_filter = ["status", "shop"]
    search_fields = ["number", "tracking_number"]
    raw_id_fields = ["customer"]
    inlines = [OrderItemInline, OrderStatusChangeInline]
    show_full_result_count = False


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "no_reason_days", "compensation_days", "warranty_days", "agent_refund_limit", "calendar"]
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        ("退换货政策 Return policy", {"fields": ["no_reason_days", "compensation_days", "warranty_days", "return_shipping_fee",
                                                "shipping_compensation", "storage_fee", "agent_refund_limit"]}),
        ("处理时效 Step deadlines", {"fields": ["confirm_hours", "pickup_days", "inspection_days", "refund_days", "case_days",
                                              "approval_days", "calendar"]}),
    ]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]


@admin.register(Sku)
class SkuAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "spec", "unit_price", "stock", "reserved", "is_active"]
    search_fields = ["code", "name"]
    list_filter = ["is_active"]


class ReturnItemInline(admin.TabularInline):
    model = ReturnItem
    extra = 0
    raw_id_fields = ["order_item"]


class ReturnDeadlineInline(admin.TabularInline):
    model = ReturnDeadline
    extra = 0
    readonly_fields = ["step", "started_at", "due_at", "met_at", "breached_at", "extension_reason"]
    can_delete = False


class ReturnEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReturnEvent
    extra = 0
    readonly_fields = ["kind", "from_status", "to_status", "actor", "note", "is_public", "created_at"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    """Read and correct returns; the flow itself runs through the pages and the API."""

    list_display = ["number", "order", "kind", "reason", "status", "created_at"]
    list_filter = ["status", "kind", "reason"]
    search_fields = ["number", "order__number"]
    raw_id_fields = ["order", "customer", "ticket", "exchange_sku"]
    readonly_fields = ["status"]
    inlines = [ReturnItemInline, ReturnDeadlineInline, ReturnEventInline]
    show_full_result_count = False


@admin.register(OrderImport)
class OrderImportAdmin(admin.ModelAdmin):
    list_display = ["pk", "status", "rows_done", "orders_created", "orders_skipped", "created_at", "finished_at"]
    readonly_fields = ["status", "rows_total", "rows_done", "orders_created", "orders_skipped", "errors", "finished_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_id", "topic", "order_number", "received_at"]
    search_fields = ["event_id", "order_number"]


@admin.register(ShopTeam)
class ShopTeamAdmin(admin.ModelAdmin):
    list_display = ["shop", "team"]
    list_filter = ["team"]
    search_fields = ["shop"]
