from django.contrib import admin

from customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "city", "source", "created_at"]
    list_filter = ["level"]
    search_fields = ["name", "phone", "email"]
    show_full_result_count = False
