from decimal import Decimal as D

import pytest

from orders.policy import Band, PolicyNumbers, band_for, quote

N = PolicyNumbers()  # 7 / 30 / 365 days; return shipping 12, compensation 10, storage 20


@pytest.mark.parametrize(
    ("reason", "days", "band"),
    [
        ("no_reason", 0, Band.NO_REASON),
        ("no_reason", 7, Band.NO_REASON),
        ("no_reason", 8, Band.COMPENSATED),
        ("other", 30, Band.COMPENSATED),
        ("other", 31, Band.OVER_LIMIT),
        ("quality", 31, Band.SELLER_FAULT),
        ("quality", 365, Band.SELLER_FAULT),
        ("damaged", 366, Band.OUT_OF_WARRANTY),
    ],
)
def test_band_boundaries_at_day_7_and_day_30(reason, days, band):
    assert band_for(N, reason=reason, days_since_delivery=days) == band


# kind, reason, goods, days, outbound, exchange, → refund, customer pays, line codes and amounts
TABLE = [
    # within 7 days, customer's reason: customer pays return shipping only
    ("return", "no_reason", "100", 7, "8", None, "88.00", "0.00", {"goods": "100.00", "return_shipping": "-12.00"}),
    # day 8 and day 30: compensation deducted as well
    ("return", "no_reason", "100", 8, "8", None, "78.00", "0.00",
     {"goods": "100.00", "return_shipping": "-12.00", "compensation": "-10.00"}),
    ("return", "other", "100", 30, "8", None, "78.00", "0.00",
     {"goods": "100.00", "return_shipping": "-12.00", "compensation": "-10.00"}),
    # day 31: full shipping both ways and the storage fee
    ("return", "other", "100", 31, "8", None, "60.00", "0.00",
     {"goods": "100.00", "return_shipping": "-12.00", "outbound_shipping": "-8.00", "storage_fee": "-20.00"}),
    # quality problem: seller pays both ways, the original shipping is refunded too
    ("return", "quality", "100", 20, "8", None, "108.00", "0.00",
     {"goods": "100.00", "return_shipping_seller": "0.00", "outbound_shipping_refund": "8.00"}),
    # exchange up (customer's reason): customer pays the difference and the return shipping
    ("exchange", "no_reason", "100", 3, "0", "150", "0.00", "62.00",
     {"goods": "100.00", "exchange_item": "-150.00", "return_shipping": "-12.00"}),
    # exchange down (seller's fault): the difference is refunded, no shipping charged
    ("exchange", "wrong_item", "150", 3, "0", "100", "50.00", "0.00",
     {"goods": "150.00", "exchange_item": "-100.00", "return_shipping_seller": "0.00"}),
    # refund only: nothing ships back
    ("refund_only", "not_as_described", "59.9", 2, "0", None, "59.90", "0.00", {"goods": "59.90"}),
    # a cheap item returned late costs more than it is worth
    ("return", "other", "15", 40, "10", None, "0.00", "27.00",
     {"goods": "15.00", "return_shipping": "-12.00", "outbound_shipping": "-10.00", "storage_fee": "-20.00"}),
]


@pytest.mark.parametrize(("kind", "reason", "goods", "days", "outbound", "exchange", "refund", "pays", "lines"), TABLE)
def test_quote_table(kind, reason, goods, days, outbound, exchange, refund, pays, lines):
    result = quote(N, kind=kind, reason=reason, goods_amount=D(goods), days_since_delivery=days,
                   outbound_shipping=D(outbound), exchange_amount=D(exchange) if exchange else None, has_evidence=True)
    assert result.allowed
    assert {line.code: str(line.amount) for line in result.lines} == lines
    assert (str(result.refund_amount), str(result.customer_pays)) == (refund, pays)
    assert all(line.label for line in result.lines)


def test_shipping_responsibility_follows_the_reason():
    assert quote(N, kind="return", reason="quality", goods_amount=D(1), days_since_delivery=1).shipping_paid_by == "seller"
    assert quote(N, kind="return", reason="no_reason", goods_amount=D(1), days_since_delivery=1).shipping_paid_by == "customer"


def test_over_30_days_offers_keeping_the_item():
    assert quote(N, kind="return", reason="other", goods_amount=D(100), days_since_delivery=31).may_keep_item
    assert not quote(N, kind="return", reason="other", goods_amount=D(100), days_since_delivery=30).may_keep_item


def test_quality_claim_without_photos_needs_evidence():
    assert quote(N, kind="return", reason="quality", goods_amount=D(100), days_since_delivery=2).needs_evidence
    assert not quote(N, kind="return", reason="quality", goods_amount=D(100), days_since_delivery=2, has_evidence=True).needs_evidence


def test_quality_claim_after_the_warranty_is_refused():
    result = quote(N, kind="return", reason="quality", goods_amount=D(100), days_since_delivery=400)
    assert not result.allowed and result.refund_amount == D("0.00")


def test_admin_numbers_change_the_windows():
    numbers = PolicyNumbers(no_reason_days=15, compensation_days=45, storage_fee=D("5"))
    assert band_for(numbers, reason="no_reason", days_since_delivery=15) == Band.NO_REASON
    assert quote(numbers, kind="return", reason="other", goods_amount=D(100), days_since_delivery=46).refund_amount == D("83.00")
