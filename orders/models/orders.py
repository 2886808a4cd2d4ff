"""Orders mirrored from the shops, their lines and their status history."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Order(models.Model):
    """A customer's order, mirrored from the shop platform."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Pending payment")
        PAID = "paid", _("Paid")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    number = models.CharField(_("order number"), max_length=40, unique=True)
    # Indexed by order_customer_placed_idx (customer first); a second index would only slow imports.
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    shop = models.CharField(_("shop"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PAID)
    total_amount = models.DecimalField(_("total amount"), max_digits=12, decimal_places=2, default=0)
    shipping_fee = models.DecimalField(_("shipping fee"), max_digits=10, decimal_places=2, default=0)
    payment_method = models.CharField(_("payment method"), max_length=32, blank=True)
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True, db_index=True)
    placed_at = models.DateTimeField(_("placed at"), db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    source_updated_at = models.DateTimeField(_("updated in the shop at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["customer", "-placed_at"], name="order_customer_placed_idx")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orders:order_detail", args=[self.pk])


class OrderItem(models.Model):
    """One line of an order: the item (name, model, colour, size), quantity and price."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("item name"), max_length=128)
    spec = models.CharField(_("model, colour, size"), max_length=128, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")

    def __str__(self):
        return f"{self.name} ×{self.quantity}"


class OrderStatusChange(models.Model):
    """One step of an order's status history, and where the change came from."""

    # Indexed by orderstatus_order_idx (order first); a second index would only slow every status change.
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="status_changes",
                              db_index=False)
    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=20, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=20)
    source = models.CharField(_("source"), max_length=16)  # api, webhook, import
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        indexes = [models.Index(fields=["order", "changed_at"], name="orderstatus_order_idx")]

    def __str__(self):
        return f"{self.order_id}: {self.from_status}→{self.to_status}"
