from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.models import (
    Customer, CustomerAddress, CustomerContact, CustomerImport, CustomerLevel, CustomerMerge, CustomerReview,
    PiiRequest, PiiReveal, PrivacyPolicy,
)
from customers.services import customer_tags_sync
from helpdesk.admin import ReadOnlyAdminMixin, as_written


class ContactInline(admin.TabularInline):
    model = CustomerContact
    extra = 0
    fields = ["kind", "value", "normalized", "is_primary"]
    readonly_fields = ["normalized"]


class AddressInline(admin.TabularInline):
    model = CustomerAddress
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "city", "source", "review_status", "created_at"]
    list_filter = ["level", "review_status"]
    search_fields = ["name", "=phone", "=email", "=contacts__normalized"]
    show_full_result_count = False
    raw_id_fields = ["merged_into"]
    readonly_fields = ["merged_into", "merged_at", "anonymized_at", "review_status"]
    inlines = [ContactInline, AddressInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "tags" in form.changed_data:
            customer_tags_sync(customer_ids=[obj.pk])


@admin.register(CustomerLevel)
class CustomerLevelAdmin(admin.ModelAdmin):
    list_display = [as_written("code", _("code")), "name", "position"]


@admin.register(PrivacyPolicy)
class PrivacyPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "allow_agent_reveal", "updated_at"]

    def has_add_permission(self, request):
        return not PrivacyPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PiiReveal)
class PiiRevealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "viewer", "customer", "field", "source", "reason"]
    list_filter = ["field"]
    raw_id_fields = ["viewer", "customer"]


@admin.register(PiiRequest)
class PiiRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "customer", "kind", "reason"]


@admin.register(CustomerMerge)
class CustomerMergeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "survivor", "duplicate"]


@admin.register(CustomerReview)
class CustomerReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["submitted_at", "customer", "status", "submitted_by", "decided_by"]
    list_filter = ["status"]


@admin.register(CustomerImport)
class CustomerImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "original_name", "mode", "status", "total_rows", "created_count", "error_count"]
