from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Customer
from customers.privacy import mask_email, mask_phone, may_view_pii, text_for_viewer
from helpdesk.api import strict
from orders.models import (Carrier, Order, OrderImport, OrderItem, OrderStatusChange, ReturnDeadline, ReturnItem,
                           ReturnRequest, Sku)
from orders.selectors import deadlines_block
from orders.importing import import_file_name_validate
from orders.upsert_sql import OrderRelated
from orders.validation import order_email_clean, order_phone_clean
from tickets.models import Ticket


class OrderItemSerializer(strict.ModelSerializer):
    class Meta:
        model = OrderItem
        fields = ["id", "sku", "name", "spec", "quantity", "unit_price"]


class OrderStatusChangeSerializer(strict.ModelSerializer):
    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "source", "changed_at"]


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = strict.CharField()


class OrderSerializer(strict.ModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    items = OrderItemSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "number", "customer", "shop", "status", "total_amount", "shipping_fee", "payment_method", "carrier",
                  "tracking_number", "placed_at", "paid_at", "shipped_at", "delivered_at", "items", "updated_at"]


class OrderDetailSerializer(OrderSerializer):
    status_history = OrderStatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "status_history"]


_MONEY = serializers.DecimalField(max_digits=12, decimal_places=2)


def validated_data_of(serializer_class, data) -> dict:
    """Validate input with ``serializer_class`` and return its validated data; raise DRF's ValidationError."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _time_format(tz):
    """Return DRF's DateTimeField output (ISO 8601 in the current time zone, UTC as "Z") for one time zone."""
    def to_text(value):
        if value is None:
            return None
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return to_text


def order_detail_data(order: Order, related: OrderRelated | None = None) -> dict:
    """Return exactly what OrderDetailSerializer gives for the order, from plain queries (the upsert's answer).

    DRF builds a ModelSerializer's fields anew for every instance (~2 ms for an order with its items
    and history); the shop write path answers at a few hundred requests per second, so it builds the
    same dict directly. What the upsert already read (``related``) is used as is; the rest is read
    here. A test compares the two for every field.
    """
    if related is not None and related.items is not None:
        items = sorted((i.pk, i.sku, i.name, i.spec, i.quantity, i.unit_price) for i in related.items)
    else:
        items = OrderItem.objects.filter(order_id=order.pk).order_by("pk").values_list(
            "id", "sku", "name", "spec", "quantity", "unit_price")
    if related is not None:
        history = [(c.from_status, c.to_status, c.source, c.changed_at)
                   for c in sorted(related.history, key=lambda c: (c.changed_at, c.pk))]
        customer_name = related.customer_name
    else:
        history = OrderStatusChange.objects.filter(order_id=order.pk).order_by("changed_at", "id").values_list(
            "from_status", "to_status", "source", "changed_at")
        customer_name = (order.customer.name if Order.customer.is_cached(order)
                         else Customer.objects.values_list("name", flat=True).get(pk=order.customer_id))
    _time = _time_format(timezone.get_current_timezone())
    data = {"id": order.pk, "number": order.number, "customer": {"id": order.customer_id, "name": customer_name},
            "shop": order.shop, "status": order.status, "total_amount": _MONEY.to_representation(order.total_amount),
            "shipping_fee": _MONEY.to_representation(order.shipping_fee), "payment_method": order.payment_method,
            "carrier": order.carrier, "tracking_number": order.tracking_number,
            **{k: _time(getattr(order, k)) for k in ("placed_at", "paid_at", "shipped_at", "delivered_at")}}
    data["items"] = [{"id": pk, "sku": sku, "name": name, "spec": spec, "quantity": quantity,
                      "unit_price": _MONEY.to_representation(price)} for pk, sku, name, spec, quantity, price in items]
    data["updated_at"] = _time(order.updated_at)
    data["status_history"] = [{"from_status": old, "to_status": new, "source": source, "changed_at": _time(at)}
                              for old, new, source, at in history]
    return data


class OrderCustomerInputSerializer(serializers.Serializer):
    """The customer as the shop sends it: phone and e-mail checked and normalized as ``orders.validation`` does."""

    name = strict.CharField(max_length=64, required=False, allow_blank=True)
    phone = strict.CharField(max_length=32, required=False, allow_blank=True)
    email = strict.CharField(max_length=254, required=False, allow_blank=True)

    def validate_phone(self, value):
        return order_phone_clean(value) if value else value

    def validate_email(self, value):
        return order_email_clean(value) if value else value

    def validate(self, attrs):
        if not attrs.get("phone") and not attrs.get("email"):
            raise serializers.ValidationError(_("Give the customer's phone or e-mail."))
        return attrs


class OrderItemInputSerializer(serializers.Serializer):
    sku = strict.CharField(max_length=64)
    name = strict.CharField(max_length=128)
    spec = strict.CharField(max_length=128, required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class OrderUpsertSerializer(serializers.Serializer):
    """An order as the shop sends it; ``updated_at`` (the shop's) makes older updates harmless."""

    customer = OrderCustomerInputSerializer(required=False)
    shop = strict.CharField(max_length=64, required=False, allow_blank=True)
    status = strict.ChoiceField(choices=Order.Status.choices, required=False)
    total_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    shipping_fee = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    payment_method = strict.CharField(max_length=32, required=False, allow_blank=True)
    carrier = strict.CharField(max_length=64, required=False, allow_blank=True)
    tracking_number = strict.CharField(max_length=64, required=False, allow_blank=True)
    placed_at = strict.DateTimeField(required=False)
    paid_at = strict.DateTimeField(required=False, allow_null=True)
    shipped_at = strict.DateTimeField(required=False, allow_null=True)
    delivered_at = strict.DateTimeField(required=False, allow_null=True)
    updated_at = strict.DateTimeField(required=False)
    items = OrderItemInputSerializer(many=True, required=False)

    def validate_items(self, items):
        skus = [item["sku"] for item in items]
        if len(skus) != len(set(skus)):
            raise serializers.ValidationError(_("Each SKU may appear once per order."))
        return items


class WebhookOrderSerializer(OrderUpsertSerializer):
    number = strict.CharField(max_length=40)


class WebhookEventSerializer(serializers.Serializer):
    id = strict.CharField(max_length=100)
    topic = strict.CharField(max_length=64, required=False, default="order.updated")
    order = WebhookOrderSerializer()


class WebhookResultSerializer(serializers.Serializer):
    status = strict.ChoiceField(choices=["applied", "duplicate"])


class OrderImportSerializer(strict.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = OrderImport
        fields = ["id", "status", "rows_total", "rows_done", "orders_created", "orders_skipped", "errors", "progress",
                  "created_at", "finished_at"]

    def get_progress(self, job) -> str:
        return f"{job.rows_done} rows, {job.orders_created} orders created"


class OrderImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()

    def validate_file(self, file):
        import_file_name_validate(file.name)
        return file


DATETIME = strict.DateTimeField()


class DeadlineSerializer(serializers.Serializer):
    due_at = strict.DateTimeField(allow_null=True)
    met_at = strict.DateTimeField(allow_null=True)
    breached_at = strict.DateTimeField(allow_null=True)
    warned_at = strict.DateTimeField(allow_null=True, required=False, help_text="when the close-to-deadline warning was given")
    is_provisional = strict.BooleanField(
        required=False, help_text="the deadline reads a year without the official holiday schedule (statutory holidays "
                                  "by rule, no make-up days); it is recomputed when the schedule is entered")


class DeadlinesSerializer(serializers.Serializer):
    confirm = DeadlineSerializer()
    pickup = DeadlineSerializer()
    inspection = DeadlineSerializer()
    refund = DeadlineSerializer()
    case = DeadlineSerializer()
    approval = DeadlineSerializer(required=False)


class ReturnItemSerializer(strict.ModelSerializer):
    sku = strict.CharField(source="order_item.sku", read_only=True)
    name = strict.CharField(source="order_item.name", read_only=True)
    spec = strict.CharField(source="order_item.spec", read_only=True)
    unit_price = serializers.DecimalField(source="order_item.unit_price", max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = ReturnItem
        fields = ["order_item", "sku", "name", "spec", "quantity", "unit_price"]


class OrderRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = strict.CharField()


class ReturnPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    stage = strict.CharField(read_only=True)
    content_type = strict.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    uploaded_at = strict.DateTimeField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        """Return the access-checked download address (never the media file's own address)."""
        return f"/api/v1/returns/{photo.return_request_id}/photos/{photo.pk}/"


class ReturnPhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    stage = strict.ChoiceField(choices=[("application", "application"), ("inspection", "inspection")],
                               default="application")


class ReturnRequestSerializer(strict.ModelSerializer):
    order = OrderRefSerializer(read_only=True)
    photos = ReturnPhotoSerializer(many=True, read_only=True)
    customer = CustomerRefSerializer(read_only=True)
    items = ReturnItemSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField(help_text="Masked unless the user may see personal data")
    rejection_reason = serializers.SerializerMethodField(help_text="Masked unless the user may see personal data")
    inspection_notes = serializers.SerializerMethodField(help_text="Masked unless the user may see personal data")
    exchange_sku = serializers.SlugRelatedField(slug_field="code", read_only=True)
    return_carrier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    exchange_carrier = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ReturnRequest
        fields = ["id", "number", "status", "kind", "reason", "description", "items", "order", "customer", "ticket",
                  "contact_name", "contact_phone", "contact_email", "exchange_sku", "exchange_quantity",
                  "rejection_reason", "return_method", "return_carrier", "return_tracking", "is_inspection_passed",
                  "inspection_notes", "refund_amount", "refund_route", "exchange_carrier", "exchange_tracking",
                  "deadlines", "photos", "remedy", "created_at", "updated_at", "received_at", "closed_at"]

    @extend_schema_field(DeadlinesSerializer)
    def get_deadlines(self, ret) -> dict:
        # Built by hand: a nested serializer per row costs more than the whole list query.
        show = DATETIME.to_representation
        return {step: {key: value if isinstance(value, bool) else show(value) if value else None
                       for key, value in times.items()}
                for step, times in deadlines_block(ret).items()}

    def _clear(self) -> bool:
        if "clear" not in self.context:
            self.context["clear"] = may_view_pii(getattr(self.context.get("request"), "user", None))
        return self.context["clear"]

    def get_contact_phone(self, ret) -> str:
        return ret.contact_phone if self._clear() else mask_phone(ret.contact_phone)

    def get_contact_email(self, ret) -> str:
        return ret.contact_email if self._clear() else mask_email(ret.contact_email)

    def get_description(self, ret) -> str:
        return text_for_viewer(ret.description, clear=self._clear())[0]

    def get_rejection_reason(self, ret) -> str:
        return text_for_viewer(ret.rejection_reason, clear=self._clear())[0]

    def get_inspection_notes(self, ret) -> str:
        return text_for_viewer(ret.inspection_notes, clear=self._clear())[0]


class ReturnItemInputSerializer(serializers.Serializer):
    order_item = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)


class ReturnCreateSerializer(serializers.Serializer):
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())
    kind = strict.ChoiceField(choices=ReturnRequest.Kind.choices)
    reason = strict.ChoiceField(choices=ReturnRequest.Reason.choices)
    description = strict.CharField(required=False, allow_blank=True, default="", max_length=2000)
    items = ReturnItemInputSerializer(many=True, allow_empty=False)
    contact_name = strict.CharField(required=False, allow_blank=True, default="", max_length=64)
    contact_phone = strict.CharField(required=False, allow_blank=True, default="", max_length=32)
    contact_email = strict.EmailField(required=False, allow_blank=True, default="")
    exchange_sku = serializers.SlugRelatedField(slug_field="code", queryset=Sku.objects.all(), required=False, allow_null=True)
    exchange_quantity = serializers.IntegerField(required=False, default=0, min_value=0, max_value=100_000)
    ticket = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ActionSerializer(serializers.Serializer):
    """Optional optimistic check: the status the caller saw; if the request moved on meanwhile, 409."""

    expected_status = strict.ChoiceField(choices=ReturnRequest.Status.choices, required=False)


class RejectSerializer(ActionSerializer):
    reason = strict.CharField(max_length=2000)


class ResubmitSerializer(ActionSerializer):
    description = strict.CharField(required=False, allow_blank=True, max_length=2000)
    reason = strict.ChoiceField(choices=ReturnRequest.Reason.choices, required=False)
    items = ReturnItemInputSerializer(many=True, required=False, allow_empty=False)


class ArrangePickupSerializer(ActionSerializer):
    method = strict.ChoiceField(choices=ReturnRequest.ReturnMethod.choices)
    carrier = serializers.SlugRelatedField(slug_field="code", queryset=Carrier.objects.filter(is_active=True),
                                           required=False, allow_null=True)
    tracking = strict.CharField(required=False, allow_blank=True, default="", max_length=64)


class InspectSerializer(ActionSerializer):
    passed = strict.BooleanField()
    notes = strict.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RefundSerializer(ActionSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)


class ShipExchangeSerializer(ActionSerializer):
    carrier = serializers.SlugRelatedField(slug_field="code", queryset=Carrier.objects.filter(is_active=True))
    tracking = strict.CharField(max_length=64)


class NoteSerializer(ActionSerializer):
    note = strict.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CancelSerializer(ActionSerializer):
    reason = strict.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ExtendSerializer(serializers.Serializer):
    step = strict.ChoiceField(choices=ReturnDeadline.Step.choices)
    days = serializers.IntegerField(min_value=1, max_value=30)
    reason = strict.CharField(max_length=2000)


class QuoteLineSerializer(serializers.Serializer):
    code = strict.CharField()
    label = strict.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class QuoteSerializer(serializers.Serializer):
    allowed = strict.BooleanField()
    band = strict.CharField()
    days_since_delivery = serializers.IntegerField()
    shipping_paid_by = strict.CharField()
    lines = QuoteLineSerializer(many=True)
    refund_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    customer_pays = serializers.DecimalField(max_digits=12, decimal_places=2)
    needs_evidence = strict.BooleanField()
    may_keep_item = strict.BooleanField()
    notes = serializers.ListField(child=strict.CharField())


class OrderTicketOpenSerializer(serializers.Serializer):
    subject = strict.CharField(max_length=200)
    description = strict.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    # The tickets' own choice sets: one enum each in the OpenAPI schema.
    kind = strict.ChoiceField(choices=Ticket.Kind.choices, default=Ticket.Kind.ORDER_ISSUE)
    channel = strict.ChoiceField(choices=Ticket.Channel.choices, default=Ticket.Channel.PHONE)


class OrderTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = strict.CharField()
    status = strict.CharField()
    order = serializers.IntegerField(source="order_id")
    url = serializers.SerializerMethodField()

    def get_url(self, ticket) -> str:
        return f"/api/v1/tickets/{ticket.pk}/"
