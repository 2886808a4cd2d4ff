"""What an order from a shop must satisfy, shared by the upsert, the webhook and the import.

Each check returns field errors ``{field: [message, ...]}`` keyed by the order's field names, so each
path reports them in its own shape (400 field errors, or one line of the import report).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from customers.contacts import email_validate, phone_validate
from orders.models import Order

# A shop's clock may run ahead of ours; anything later than this is a wrong date, not a skewed clock.
FUTURE_TOLERANCE = timedelta(days=1)
# Totals are compared after the shop rounded each line: a cent either way is rounding, more is a wrong total.
AMOUNT_TOLERANCE = Decimal("0.01")
# The order a shop's timestamps happen in; each is compared with the nearest earlier one given.
TIMELINE = ("placed_at", "paid_at", "shipped_at", "delivered_at")
SHIPPED_STATUSES = (Order.Status.SHIPPED, Order.Status.DELIVERED)


def order_phone_clean(raw: str) -> str:
    """Return the customer's phone in its stored form (13800138000, 01062345678); raise ValidationError otherwise.

    Mainland mobiles and landlines with area code, with or without +86 / 0086, spaces and dashes.
    """
    return phone_validate(raw, mainland_only=True)


def order_email_clean(raw: str) -> str:
    """Return the customer's e-mail in its stored form (trimmed, lower case); raise ValidationError otherwise."""
    return email_validate(raw)


def _label(field: str) -> str:
    return str(Order._meta.get_field(field).verbose_name)


def order_errors(*, status: str, placed_at: datetime | None, paid_at: datetime | None = None,
                 shipped_at: datetime | None = None, delivered_at: datetime | None = None,
                 total_amount: Decimal | None = None, shipping_fee: Decimal | None = None,
                 lines: list[tuple[int, Decimal]] | None = None, now: datetime | None = None) -> dict[str, list[str]]:
    """Return the field errors of an order's status, times and amounts (empty when it is consistent).

    ``lines`` are (quantity, unit price); with lines and a total, the total must be their sum plus the
    shipping fee within ``AMOUNT_TOLERANCE``.
    """
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    times = dict(zip(TIMELINE, (placed_at, paid_at, shipped_at, delivered_at), strict=True))
    if status in SHIPPED_STATUSES and shipped_at is None:
        add("shipped_at", _("A shipped or delivered order needs the time it was shipped."))
    if status == Order.Status.DELIVERED and delivered_at is None:
        add("delivered_at", _("A delivered order needs the time it was delivered."))
    latest = (now or timezone.now()) + FUTURE_TOLERANCE
    for field, value in times.items():
        if value is not None and value > latest:
            add(field, _("%(field)s lies in the future.") % {"field": capfirst(_label(field))})
    for i, later in enumerate(TIMELINE[1:], start=1):
        earlier = next((f for f in reversed(TIMELINE[:i]) if times[f] is not None), None)
        if times[later] is not None and earlier is not None and times[later] < times[earlier]:
            add(later, _("%(later)s cannot be before %(earlier)s.") % {"later": capfirst(_label(later)), "earlier": _label(earlier)})
    for field, value in (("total_amount", total_amount), ("shipping_fee", shipping_fee)):
        if value is not None and value < 0:
            add(field, _("%(field)s cannot be negative.") % {"field": capfirst(_label(field))})
    lines = lines or []
    if any(quantity < 1 or price < 0 for quantity, price in lines):
        add("items", _("Each line needs a quantity of at least 1 and a unit price that is not negative."))
    elif lines and total_amount is not None:
        expected = order_total(lines=lines, shipping_fee=shipping_fee)
        if abs(total_amount - expected) > AMOUNT_TOLERANCE:
            add("total_amount", _("The total %(total)s is not the sum of the lines plus shipping, %(expected)s.")
                % {"total": total_amount, "expected": expected})
    return errors


def order_total(*, lines: list[tuple[int, Decimal]], shipping_fee: Decimal | None) -> Decimal:
    """Return what the order costs: quantity × unit price of each line, plus the shipping fee."""
    return sum((Decimal(price) * quantity for quantity, price in lines), shipping_fee or Decimal("0"))


def order_validate(**values) -> None:
    """Raise ValidationError with field errors when ``order_errors`` finds any."""
    errors = order_errors(**values)
    if errors:
        raise ValidationError(errors)
