"""The order import of a CSV file (the staged SQL path): bad orders refused whole, re-import a no-op."""

import io

import pytest
from django.db import connection

from customers.models import Customer
from orders import importing
from orders.models import Order, OrderItem

HEAD = ",".join(importing.COLUMNS)
GOOD = "{n},139{p:08d},客户,paid,2026-11-01T10:00:00+08:00,,京东店,alipay,8,{sku},茶杯,白色,{q},{price},"

pytestmark = pytest.mark.django_db


def csv_file(*lines: str) -> io.BytesIO:
    upload = io.BytesIO("\n".join([HEAD, *lines]).encode())
    upload.name = "orders.csv"
    return upload


def good(number: str, phone: int = 1, sku: str = "SKU-A", quantity: str = "1", price: str = "30.00") -> str:
    return GOOD.format(n=number, p=phone, sku=sku, q=quantity, price=price)


def bad(number: str, column: str, value: str) -> str:
    row = good(number).split(",")
    row[importing.COLUMNS.index(column)] = value
    return ",".join(row)


def run(upload, phases=None) -> dict:
    return importing.orders_import(upload, name=upload.name, progress=phases.append if phases is not None else None)


def test_csv_takes_the_staged_path():
    from orders.import_staging import staged_import_possible

    assert staged_import_possible(csv_file(good("S1")), "orders.csv")
    assert not staged_import_possible(csv_file(good("S1")), "orders.xlsx")


def test_each_bad_row_refuses_its_whole_order_with_the_reason():
    result = run(csv_file(
        good("OK1"), good("OK1", sku="SKU-B", quantity="2", price="5.5"),
        good("Q0"), bad("Q0", "quantity", "0"),
        bad("QX", "quantity", "two"),
        bad("PX", "unit_price", "-1"),
        bad("SK", "sku", ""),
        bad("ST", "status", "lost"),
        bad("PL", "placed_at", "yesterday"),
        bad("DL", "delivered_at", "2026-13-01"),
        bad("FE", "shipping_fee", "free"),
        bad("FB", "placed_at", "2026-02-30T10:00:00"),
        bad("LONG", "sku", "S" * 65),
        bad("", "order_number", ""),
    ))
    errors = {e["order_number"]: e["error"] for e in result["errors"]}
    assert result["created"] == 1 and result["refused"] == 11 and result["rows"] == 14
    assert errors["Q0"] == "row 5: a quantity of at least 1 is required, not '0'"
    assert errors["QX"] == "row 6: a quantity of at least 1 is required, not 'two'"
    assert errors["PX"] == "row 7: a unit price ≥ 0 is required, not '-1'"
    assert errors["SK"] == "row 8: sku and item_name are required"
    assert errors["ST"] == "row 9: unknown status 'lost'"
    assert errors["PL"].startswith("row 10: placed_at is not a date and time")
    assert errors["DL"].startswith("row 11: delivered_at is not a date and time")
    assert errors["FE"].startswith("row 12: shipping_fee is not an amount")
    assert errors["FB"] == "row 13: placed_at, shipped_at or delivered_at is not a real date"
    assert errors["LONG"] == "row 14: sku, item_name or spec is too long"
    assert errors[""] == "row 15: order_number and customer_phone are required"
    assert list(Order.objects.values_list("number", flat=True)) == ["OK1"]  # no partial order, none of the bad ones
    order = Order.objects.get()
    assert str(order.total_amount) == "49.00" and order.items.count() == 2  # 30 + 2 × 5.50 + shipping 8


def test_the_first_bad_row_of_an_order_is_the_one_reported():
    result = run(csv_file(good("B1"), bad("B1", "quantity", "x"), bad("B1", "unit_price", "y")))
    assert result["errors"] == [{"order_number": "B1", "row": 3, "field": "quantity",
                                 "message": "a quantity of at least 1 is required, not 'x'",
                                 "error": "row 3: a quantity of at least 1 is required, not 'x'"}]
    assert not Order.objects.exists() and not OrderItem.objects.exists()


def test_reimporting_the_same_file_changes_nothing():
    lines = [good("R1"), good("R1", sku="SKU-B"), good("R2", phone=2), bad("R3", "quantity", "0")]
    first = run(csv_file(*lines))
    counts = (Order.objects.count(), OrderItem.objects.count(), Customer.objects.count())
    stamps = list(Order.objects.order_by("number").values_list("number", "updated_at", "total_amount"))
    again = run(csv_file(*lines))
    assert (first["created"], first["skipped"], first["refused"]) == (2, 0, 1)
    assert (again["created"], again["skipped"], again["refused"]) == (0, 2, 1)
    assert (Order.objects.count(), OrderItem.objects.count(), Customer.objects.count()) == counts == (2, 3, 2)
    assert list(Order.objects.order_by("number").values_list("number", "updated_at", "total_amount")) == stamps


def test_orders_get_ids_in_file_order_their_items_and_the_customer_by_phone():
    existing = Customer.objects.create(name="老客户", phone="13900000007")
    run(csv_file(good("F2", phone=7), good("F1", phone=8, quantity="3"), good("F1", phone=8, sku="SKU-C"),
                 good("F3", phone=7)))
    orders = list(Order.objects.order_by("id").values_list("number", "customer_id"))
    assert [n for n, _c in orders] == ["F2", "F1", "F3"]
    assert orders[0][1] == orders[2][1] == existing.pk and orders[1][1] != existing.pk
    assert Customer.objects.get(phone="13900000008").name == "客户"
    items = Order.objects.get(number="F1").items.order_by("id").values_list("sku", "quantity")
    assert list(items) == [("SKU-A", 3), ("SKU-C", 1)]


def test_progress_is_reported_up_to_the_final_counts():
    phases = []
    result = run(csv_file(good("P1"), good("P2")), phases)
    assert phases and phases[-1]["created"] == 2 == result["created"] and phases[-1]["rows"] == 2


def test_an_order_made_meanwhile_by_another_writer_is_skipped_not_failed():
    """Between the check and the write, the shop creates one of the file's orders: the import picks its orders again."""
    made = []

    def shop_writes_first(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "CREATE TEMP TABLE order_stage_new" in sql and not made:  # the orders to write are picked: now the shop
            made.append(Order.objects.create(number="C2", customer=Customer.objects.create(name="店", phone="1"),
                                             placed_at="2026-11-01T10:00:00+08:00"))
        return result

    with connection.execute_wrapper(shop_writes_first):
        result = run(csv_file(good("C1"), good("C2"), good("C2", sku="SKU-B"), good("C3")))
    assert made and (result["created"], result["skipped"]) == (2, 1)
    assert Order.objects.get(number="C2").items.count() == 0  # the shop's order, not given the file's items
    assert sorted(Order.objects.values_list("number", flat=True)) == ["C1", "C2", "C3"]
    assert OrderItem.objects.count() == 2


def test_imports_still_pending_after_the_grace_period_are_run_again(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from helpdesk.enqueue import SWEEP_GRACE
    from orders import tasks
    from orders.models import OrderImport

    pending = OrderImport.objects.create(file="order-imports/orders.csv")
    OrderImport.objects.create(file="order-imports/running.csv", status=OrderImport.Status.RUNNING)
    sent = []
    monkeypatch.setattr(tasks.order_import_run, "delay", lambda **kwargs: sent.append(kwargs))
    assert importing.order_import_sweep_pending() == 0
    assert importing.order_import_sweep_pending(now=timezone.now() + SWEEP_GRACE + timedelta(seconds=1)) == 1
    assert sent == [{"order_import_id": pending.pk}]
