"""Returns and exchanges (退换货): the return policy in force, the requests, their items and photos."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.models.catalog import Carrier, Sku
from orders.models.orders import Order, OrderItem
from orders.policy import PolicyNumbers


class ReturnPolicy(models.Model):
    """The return policy and step deadlines in force (the active row); admins edit the numbers."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    no_reason_days = models.PositiveSmallIntegerField(_("no-reason return days (七天无理由)"), default=7)
    compensation_days = models.PositiveSmallIntegerField(_("return allowed with compensation up to day"), default=30)
    warranty_days = models.PositiveSmallIntegerField(
        _("warranty days"), default=365, validators=[MinValueValidator(365)]
    )
    return_shipping_fee = models.DecimalField(_("return shipping fee"), max_digits=8, decimal_places=2, default=Decimal("12.00"))
    shipping_compensation = models.DecimalField(
        _("return-shipping compensation"), max_digits=8, decimal_places=2, default=Decimal("10.00")
    )
    storage_fee = models.DecimalField(_("storage fee"), max_digits=8, decimal_places=2, default=Decimal("20.00"))
    agent_refund_limit = models.DecimalField(
        _("refund limit of an agent"), max_digits=10, decimal_places=2, default=Decimal("500.00"),
        help_text=_("A refund above this waits for a supervisor."),
    )
    confirm_hours = models.PositiveSmallIntegerField(_("confirmation deadline (hours)"), default=24)
    pickup_days = models.PositiveSmallIntegerField(_("pickup deadline (business days after approval)"), default=3)
    inspection_days = models.PositiveSmallIntegerField(_("inspection deadline (business days after receipt)"), default=1)
    refund_days = models.PositiveSmallIntegerField(_("refund deadline (business days after inspection)"), default=2)
    case_days = models.PositiveSmallIntegerField(_("whole case deadline (business days after receipt)"), default=7)
    approval_days = models.PositiveSmallIntegerField(_("supervisor refund approval deadline (business days)"), default=1)
    calendar = models.ForeignKey(
        "helpdesk.BusinessCalendar", verbose_name=_("business calendar"), on_delete=models.PROTECT, null=True, blank=True,
        help_text=_("Business days of the step deadlines; empty for the China back office calendar."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_return_policy")]

    def __str__(self):
        return self.name

    def numbers(self) -> PolicyNumbers:
        return PolicyNumbers(
            no_reason_days=self.no_reason_days, compensation_days=self.compensation_days,
            warranty_days=self.warranty_days, return_shipping_fee=self.return_shipping_fee,
            shipping_compensation=self.shipping_compensation, storage_fee=self.storage_fee,
        )


class ReturnRequest(models.Model):
    """A return, exchange or refund-only request (退换货申请) on one order."""

    class Kind(models.TextChoices):
        RETURN = "return", _("Return")
        EXCHANGE = "exchange", _("Exchange")
        REFUND_ONLY = "refund_only", _("Refund only")

    class Reason(models.TextChoices):
        NO_REASON = "no_reason", _("No reason (7-day return)")
        QUALITY = "quality", _("Quality problem")
        DAMAGED = "damaged", _("Damaged")
        WRONG_ITEM = "wrong_item", _("Wrong item")
        NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        AWAITING_RETURN = "awaiting_return", _("Awaiting return")
        RECEIVED = "received", pgettext_lazy("return status", "Received")
        INSPECTED = "inspected", _("Inspected")
        AWAITING_REFUND_APPROVAL = "awaiting_refund_approval", _("Refund awaiting approval")
        REFUNDED = "refunded", _("Refunded")
        EXCHANGED = "exchanged", _("Exchanged")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class ReturnMethod(models.TextChoices):
        PICKUP = "pickup", _("Pickup arranged")
        CUSTOMER_SHIPS = "customer_ships", _("Customer ships it back")

    number = models.CharField(_("return number"), max_length=20, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="returns")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="returns"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True, blank=True, related_name="returns"
    )
    # The ticket's refund/exchange remedy this request carries out (hand-over from the complaint).
    remedy = models.OneToOneField(
        "tickets.Remedy", verbose_name=_("remedy"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="return_request",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.RETURN)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED)
    contact_name = models.CharField(_("contact name"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    exchange_sku = models.ForeignKey(
        Sku, verbose_name=_("wanted SKU"), on_delete=models.PROTECT, null=True, blank=True, related_name="exchanges"
    )
    exchange_quantity = models.PositiveIntegerField(_("wanted quantity"), default=0)
    is_stock_reserved = models.BooleanField(_("stock reserved"), default=False)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    return_method = models.CharField(_("return method"), max_length=16, choices=ReturnMethod.choices, blank=True)
    return_carrier = models.ForeignKey(
        Carrier, verbose_name=_("return carrier"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_tracking = models.CharField(_("return tracking number"), max_length=64, blank=True)
    is_inspection_passed = models.BooleanField(_("inspection passed"), null=True, blank=True)
    inspection_notes = models.TextField(_("inspection notes"), blank=True)
    refund_amount = models.DecimalField(_("refund amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    refund_route = models.CharField(_("refund route"), max_length=32, blank=True)
    exchange_carrier = models.ForeignKey(
        Carrier, verbose_name=_("exchange carrier"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exchange_tracking = models.CharField(_("exchange tracking number"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    received_at = models.DateTimeField(_("goods received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        permissions = [("extend_deadline", _("Can extend return deadlines for force majeure"))]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="return_created_idx"),
            models.Index(fields=["status", "-created_at"], name="return_status_created_idx"),
            models.Index(fields=["order"], name="return_order_idx"),
            models.Index(fields=["customer", "-created_at"], name="return_customer_idx"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orders:return_detail", args=[self.pk])


class ReturnItem(models.Model):
    """An order line and how many of it the customer sends back."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(OrderItem, verbose_name=_("order item"), on_delete=models.PROTECT, related_name="return_items")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("returned item")
        verbose_name_plural = _("returned items")

    def __str__(self):
        return f"{self.order_item_id} ×{self.quantity}"


class ReturnPhoto(models.Model):
    """A photo given as evidence with the application or taken at inspection."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to="returns/%Y/%m/")
    stage = models.CharField(_("stage"), max_length=16, default="application")
    content_type = models.CharField(_("content type"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self):
        return self.file.name
