"""Orders mirrored from the shop: idempotent upsert by order number and the signed webhook."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from helpdesk.errors import ServiceError
from helpdesk.upsert import atomic_upsert
from orders import upsert_sql
from orders.models import Order, OrderItem, OrderStatusChange
from orders.upsert_sql import OrderRelated
from orders.validation import order_total, order_validate

ORDER_FIELDS = ("shop", "status", "total_amount", "shipping_fee", "payment_method", "carrier", "tracking_number",
                "placed_at", "paid_at", "shipped_at", "delivered_at")
WEBHOOK_TOLERANCE_SECONDS = 300


@dataclass
class OrderUpsert:
    """What an upsert did: the order, whether it was created or changed, and what it read with the order's lock.

    ``related`` is None for a new order; the answer reads the new order's lines and history itself.
    """

    order: Order
    created: bool
    changed: bool
    related: OrderRelated | None = None


class WebhookRejected(ServiceError):
    """A webhook that is forged (401) or stale/malformed (400); nothing is changed."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status_code = status


def _customer_for(data: dict, *, shop: str) -> Customer:
    """Return the customer with this phone (or e-mail), creating the archive entry (no tags, no tag rows) when new."""
    phone, email = data.get("phone", ""), data.get("email", "")
    customer = None
    if phone:
        customer = Customer.objects.filter(phone=phone).order_by("pk").first()
    if customer is None and email:
        customer = Customer.objects.filter(email=email).order_by("pk").first()
    return customer or Customer.objects.create(name=data.get("name") or phone or email, phone=phone, email=email, source=shop)


def _lines(items: list[dict]) -> list[tuple[int, Decimal]]:
    return [(item["quantity"], Decimal(item["unit_price"])) for item in items]


def _total_filled(data: dict, *, shipping_fee: Decimal) -> dict:
    """Return the data with the total the shop left out: its lines plus shipping (the stored fee unless it sends one)."""
    if "items" not in data or "total_amount" in data:
        return data
    fee = data.get("shipping_fee", shipping_fee)
    return {**data, "total_amount": order_total(lines=_lines(data["items"]), shipping_fee=fee)}


def _order_check(order: Order, lines: list[tuple[int, Decimal]]) -> None:
    """Raise ValidationError with field errors when the order as it would be stored is not consistent."""
    order_validate(status=order.status, placed_at=order.placed_at, paid_at=order.paid_at, shipped_at=order.shipped_at,
                   delivered_at=order.delivered_at, total_amount=order.total_amount, shipping_fee=order.shipping_fee,
                   lines=lines)


def _items_sync(order: Order, items: list[dict], related: OrderRelated) -> bool:
    """Make the order's lines match the shop's, by SKU, in at most three statements; lines already in a return are kept.

    ``related.items`` are the lines read under the order's lock; once anything changed they are dropped
    (None), so the answer reads the lines as stored. Return whether anything changed.
    """
    current = {line.sku: line for line in related.items}
    fresh, changed_lines = [], []
    fields = ("name", "spec", "quantity", "unit_price")
    for item in items:
        line = current.pop(item["sku"], None)
        values = {"name": item["name"], "spec": item.get("spec", ""), "quantity": item["quantity"],
                  "unit_price": Decimal(item["unit_price"])}
        if line is None:
            fresh.append(OrderItem(order=order, sku=item["sku"], **values))
        elif any(getattr(line, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(line, k, v)
            changed_lines.append(line)
    if fresh:
        OrderItem.objects.bulk_create(fresh)
    if changed_lines:
        OrderItem.objects.bulk_update(changed_lines, fields)
    deleted = 0
    gone = [line.pk for line in current.values()]
    if gone:
        deleted, _per_model = OrderItem.objects.filter(pk__in=gone, return_items__isnull=True).delete()
    if fresh or changed_lines or deleted:
        related.items = None
        return True
    return False


def order_upsert(*, number: str, data: dict, source: str) -> OrderUpsert:
    """Create or update the order with this shop number; return the order, whether it was created or changed.

    Safe to repeat: the same data twice changes nothing, and data older than what is stored
    (by the shop's ``updated_at``) is ignored. An order that would not be consistent (``orders.validation``:
    status and times, total and lines) is refused with field errors and nothing is written; a total left
    out with lines sent is their sum plus shipping.
    """
    return atomic_upsert(lambda: _order_upsert(number=number, data=data, source=source))


def _order_upsert(*, number: str, data: dict, source: str) -> OrderUpsert:
    order = upsert_sql.order_lock(number)
    updated_at = data.get("updated_at")
    if order is None:
        if "customer" not in data or "placed_at" not in data:
            raise ValidationError({"non_field_errors": [_("A new order needs the customer and placed_at.")]})
        data = _total_filled(data, shipping_fee=Decimal("0"))
        values = {k: data[k] for k in ORDER_FIELDS if k in data}
        _order_check(Order(number=number, **values), _lines(data.get("items", [])))
        customer = _customer_for(data.get("customer") or {}, shop=data.get("shop", ""))
        order = Order.objects.create(number=number, customer=customer, source_updated_at=updated_at, **values)
        OrderItem.objects.bulk_create([
            OrderItem(order=order, sku=i["sku"], name=i["name"], spec=i.get("spec", ""), quantity=i["quantity"],
                      unit_price=Decimal(i["unit_price"])) for i in data.get("items", [])
        ])
        OrderStatusChange.objects.create(order=order, to_status=order.status, source=source)
        return OrderUpsert(order=order, created=True, changed=True)
    related = upsert_sql.order_related_load(order)  # customer name, lines and history: for the item sync and the answer
    if updated_at and order.source_updated_at and updated_at <= order.source_updated_at:
        # stale or repeated: the stored state is as new or newer
        return OrderUpsert(order=order, created=False, changed=False, related=related)
    data = _total_filled(data, shipping_fee=order.shipping_fee)
    changed_fields = [k for k in ORDER_FIELDS if k in data and getattr(order, k) != data[k]]
    previous_status = order.status
    for k in changed_fields:
        setattr(order, k, data[k])
    if changed_fields or "items" in data:
        lines = _lines(data["items"]) if "items" in data else [(i.quantity, i.unit_price) for i in related.items]
        _order_check(order, lines)
    if updated_at and updated_at != order.source_updated_at:
        order.source_updated_at = updated_at
        changed_fields.append("source_updated_at")
    items_changed = "items" in data and _items_sync(order, data["items"], related)
    status_change = None
    if "status" in changed_fields:
        status_change = OrderStatusChange(order=order, from_status=previous_status, to_status=order.status, source=source)
    if changed_fields:
        upsert_sql.order_write(order, changed_fields, status_change)
    if status_change is not None:
        related.history.append(status_change)
    return OrderUpsert(order=order, created=False, changed=bool(changed_fields) or items_changed, related=related)


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header value: sha256=hex(HMAC-SHA256(secret, "<timestamp>." + raw body))."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_signature_check(*, secret: str, timestamp: str, signature: str, body: bytes, now: float | None = None) -> None:
    """Raise WebhookRejected unless the signature of the body is right and the timestamp fresh (5 minutes)."""
    if not secret:
        raise WebhookRejected("webhook secret is not configured", 401)
    expected = webhook_signature(secret, timestamp or "", body)
    if not signature or not hmac.compare_digest(expected, signature):
        raise WebhookRejected("bad signature", 401)
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise WebhookRejected("bad timestamp", 400) from None
    if abs((now or time.time()) - sent) > WEBHOOK_TOLERANCE_SECONDS:
        raise WebhookRejected("stale timestamp", 400)


def webhook_verify(*, secret: str, timestamp: str, signature: str, body: bytes, now: float | None = None) -> dict:
    """Return the decoded event when the signature is right and the timestamp fresh; raise WebhookRejected otherwise."""
    webhook_signature_check(secret=secret, timestamp=timestamp, signature=signature, body=body, now=now)
    try:
        event = json.loads(body)
    except ValueError:
        raise WebhookRejected("body is not JSON", 400) from None
    if not isinstance(event, dict) or not event.get("id") or not isinstance(event.get("order"), dict):
        raise WebhookRejected("an event needs an id and an order", 400)
    return event


def webhook_event_apply(*, event_id: str, topic: str, number: str, data: dict) -> bool:
    """Apply a verified event once: a second delivery of the same id changes nothing. Return whether it was new."""
    with transaction.atomic():
        if not _delivery_record(event_id=event_id, topic=topic, number=number):
            return False
        order_upsert(number=number, data=data, source="webhook")
    return True


def _delivery_record(*, event_id: str, topic: str, number: str) -> bool:
    """Record a webhook delivery; return False when this event id was recorded before."""
    return upsert_sql.webhook_delivery_insert(event_id=event_id, topic=topic[:64], number=number[:40])
