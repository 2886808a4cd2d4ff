"""Orders bought in the shops the helpdesk serves, and their returns and exchanges (退换货)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.events import AuditEvent, actor_field
from orders.policy import PolicyNumbers


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
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    source = models.CharField(_("source"), max_length=16)  # api, webhook, import
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        indexes = [models.Index(fields=["order", "changed_at"], name="orderstatus_order_idx")]

    def __str__(self):
        return f"{self.order_id}: {self.from_status}→{self.to_status}"


class ShopTeam(models.Model):
    """A shop served by a team (outsourced service: a team serves some shops); scopes agents' orders and returns.

    Agents and supervisors see the orders of the shops their teams serve, of shops no team is assigned to,
    and of tickets they may see; managers and admins see every order.
    """

    shop = models.CharField(_("shop"), max_length=64)
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("shop served by a team")
        verbose_name_plural = _("shops served by teams")
        constraints = [models.UniqueConstraint(fields=["shop", "team"], name="shopteam_unique")]

    def __str__(self):
        return f"{self.shop} → {self.team_id}"


class WebhookDelivery(models.Model):
    """A shop webhook event already applied; a second delivery of the same id changes nothing."""

    event_id = models.CharField(_("event id"), max_length=100, unique=True)
    topic = models.CharField(_("topic"), max_length=64)
    order_number = models.CharField(_("order number"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return self.event_id


class OrderImport(models.Model):
    """A CSV/XLSX order import run in the background, with its progress and the rows it refused."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to="order-imports/%Y/%m/")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    orders_created = models.PositiveIntegerField(_("orders created"), default=0)
    orders_skipped = models.PositiveIntegerField(_("orders already present"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order import")
        verbose_name_plural = _("order imports")

    def __str__(self):
        return f"{self.pk} {self.status}"


class Carrier(models.Model):
    """A logistics company that picks up returns and ships exchanges."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self):
        return self.name


class Sku(models.Model):
    """A product variant with its stock; exchanges reserve stock at approval."""

    code = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("item name"), max_length=128)
    spec = models.CharField(_("model, colour, size"), max_length=128, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        constraints = [models.CheckConstraint(condition=Q(reserved__lte=F("stock")), name="sku_reserved_lte_stock")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def available(self) -> int:
        return self.stock - self.reserved


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
        RECEIVED = "received", _("Received")
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


class ReturnDeadline(models.Model):
    """One step deadline of a return (退换货处理时效): due, met or breached, and any extension."""

    class Step(models.TextChoices):
        CONFIRM = "confirm", _("Application confirmed")
        PICKUP = "pickup", _("Pickup arranged")
        INSPECTION = "inspection", _("Goods inspected")
        REFUND = "refund", _("Refund issued")
        CASE = "case", _("Case completed")
        APPROVAL = "approval", _("Refund approved by a supervisor")

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)  # None: calendar year not covered
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    # A warning is due when WARNING_SHARE of the time allowed has passed; warned_at records it was given.
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("return deadline")
        verbose_name_plural = _("return deadlines")
        constraints = [models.UniqueConstraint(fields=["return_request", "step"], name="one_deadline_per_step")]
        indexes = [
            # The sweeper reads only open timers, soonest first.
            models.Index(fields=["due_at"], condition=Q(met_at__isnull=True, breached_at__isnull=True),
                         name="returndeadline_open_due_idx"),
            models.Index(fields=["warn_at"], condition=Q(met_at__isnull=True, breached_at__isnull=True, warned_at__isnull=True),
                         name="returndeadline_unwarned_idx"),
        ]

    def __str__(self):
        return f"{self.return_request_id}:{self.step}"


class ReturnEvent(AuditEvent):
    """One recorded step of a return: who did what, when; shown on the customer's timeline."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        NOTIFIED = "notified", _("Customer notified")
        EXTENDED = "extended", _("Deadline extended")
        BREACHED = "breached", _("Deadline breached")
        WARNING = "warning", _("Deadline close")
        NOTE = "note", _("Note")

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    actor = actor_field(verbose_name=_("by"))
    is_public = models.BooleanField(_("shown to the customer"), default=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        indexes = [models.Index(fields=["return_request", "created_at"], name="returnevent_return_idx")]

    def __str__(self):
        return f"{self.return_request_id}:{self.kind}"

    @property
    def to_status_label(self) -> str:
        return ReturnRequest.Status(self.to_status).label if self.to_status else ""
