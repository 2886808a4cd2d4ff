"""Return-policy arithmetic (退换货政策): pure functions over the admin's numbers, no database.

A quote lists every line of the refund so an agent can tell the customer why:
positive amounts go to the customer, negative ones are deducted or owed.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")

# Reasons that are the seller's fault: the seller pays shipping both ways (质量问题由卖家承担来回运费).
SELLER_FAULT_REASONS = frozenset({"quality", "damaged", "wrong_item", "not_as_described"})
# A quality claim needs photos as evidence (质量问题需提供凭证).
EVIDENCE_REASONS = frozenset({"quality", "damaged"})


class Band:
    NO_REASON = "no_reason"  # ≤ 7 days: 七天无理由退货
    COMPENSATED = "compensated"  # 7–30 days: return-shipping compensation deducted
    OVER_LIMIT = "over_limit"  # > 30 days: keep it, or return bearing shipping and storage
    SELLER_FAULT = "seller_fault"  # within warranty, the seller's fault
    OUT_OF_WARRANTY = "out_of_warranty"


LINE_LABELS = {
    "goods": _("Goods returned"),
    "outbound_shipping_refund": _("Original shipping refunded (seller pays both ways)"),
    "return_shipping": _("Return shipping paid by the customer"),
    "return_shipping_seller": _("Return shipping paid by the seller"),
    "compensation": _("Return-shipping compensation (returned after the no-reason period)"),
    "outbound_shipping": _("Original shipping borne by the customer (over the return period)"),
    "storage_fee": _("Storage fee (over the return period)"),
    "exchange_item": _("Replacement item"),
}


@dataclass(frozen=True)
class PolicyNumbers:
    """The admin-set numbers of the return policy (defaults from DOMAIN.md §4)."""

    no_reason_days: int = 7
    compensation_days: int = 30
    warranty_days: int = 365
    return_shipping_fee: Decimal = Decimal("12.00")
    shipping_compensation: Decimal = Decimal("10.00")
    storage_fee: Decimal = Decimal("20.00")


@dataclass(frozen=True)
class QuoteLine:
    code: str
    amount: Decimal

    @property
    def label(self) -> str:
        return str(LINE_LABELS[self.code])


@dataclass(frozen=True)
class Quote:
    """The refund or payment due for a return or exchange, line by line."""

    allowed: bool
    band: str
    days_since_delivery: int
    shipping_paid_by: str  # "seller" or "customer"
    lines: tuple[QuoteLine, ...]
    refund_amount: Decimal  # paid to the customer, ≥ 0
    customer_pays: Decimal  # owed by the customer (exchange to a dearer item, costs over the goods), ≥ 0
    needs_evidence: bool = False
    may_keep_item: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def money(value) -> Decimal:
    """Return the value as a Decimal rounded to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def band_for(numbers: PolicyNumbers, *, reason: str, days_since_delivery: int) -> str:
    """Return which rule of the policy applies; day 7 is still no-reason, day 30 still compensated."""
    if reason in SELLER_FAULT_REASONS:
        return Band.SELLER_FAULT if days_since_delivery <= numbers.warranty_days else Band.OUT_OF_WARRANTY
    if days_since_delivery <= numbers.no_reason_days:
        return Band.NO_REASON
    if days_since_delivery <= numbers.compensation_days:
        return Band.COMPENSATED
    return Band.OVER_LIMIT


def quote(
    numbers: PolicyNumbers,
    *,
    kind: str,
    reason: str,
    goods_amount: Decimal,
    days_since_delivery: int,
    outbound_shipping: Decimal = Decimal("0"),
    exchange_amount: Decimal | None = None,
    has_evidence: bool = False,
) -> Quote:
    """Return the quote for a return (`return`), exchange (`exchange`) or refund without return (`refund_only`)."""
    band = band_for(numbers, reason=reason, days_since_delivery=days_since_delivery)
    seller_pays = reason in SELLER_FAULT_REASONS
    ships_back = kind != "refund_only"
    lines = [QuoteLine("goods", money(goods_amount))]
    notes = []
    if kind == "exchange":
        lines.append(QuoteLine("exchange_item", -money(exchange_amount if exchange_amount is not None else goods_amount)))
    if ships_back:
        if seller_pays:
            lines.append(QuoteLine("return_shipping_seller", money(0)))
            if kind == "return" and outbound_shipping:
                lines.append(QuoteLine("outbound_shipping_refund", money(outbound_shipping)))
        else:
            lines.append(QuoteLine("return_shipping", -money(numbers.return_shipping_fee)))
            if band == Band.COMPENSATED:
                lines.append(QuoteLine("compensation", -money(numbers.shipping_compensation)))
            elif band == Band.OVER_LIMIT:
                lines.append(QuoteLine("outbound_shipping", -money(outbound_shipping)))
                lines.append(QuoteLine("storage_fee", -money(numbers.storage_fee)))
    allowed = band != Band.OUT_OF_WARRANTY
    if not allowed:
        notes.append(str(_("The warranty period has ended.")))
    needs_evidence = reason in EVIDENCE_REASONS and not has_evidence
    if needs_evidence:
        notes.append(str(_("A quality claim needs photos as evidence.")))
    may_keep = band == Band.OVER_LIMIT
    if may_keep:
        notes.append(str(_("Over the return period the customer may keep the item instead.")))
    net = sum((line.amount for line in lines), Decimal("0")) if allowed else Decimal("0")
    return Quote(
        allowed=allowed,
        band=band,
        days_since_delivery=days_since_delivery,
        shipping_paid_by="seller" if seller_pays else "customer",
        lines=tuple(lines),
        refund_amount=money(max(net, Decimal("0"))),
        customer_pays=money(max(-net, Decimal("0"))),
        needs_evidence=needs_evidence,
        may_keep_item=may_keep,
        notes=tuple(notes),
    )
