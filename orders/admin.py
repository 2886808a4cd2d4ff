from django.contrib import admin

from orders.models import Order, OrderItem


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "shop", "status", "total_amount", "placed_at"]
    list_filter = ["status", "shop"]
    search_fields = ["number", "tracking_number"]
    raw_id_fields = ["customer"]
    inlines = [OrderItemInline]
    show_full_result_count = False
