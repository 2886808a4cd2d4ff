"""The order import's chunk path (XLSX files): ids from the sequence, rows by COPY, parsing and writing overlapped."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from customers.models import Customer
from orders import importing
from orders.import_copy import NULL, chunk_transaction_prepare, ids_reserve, rows_copy
from orders.models import Order, OrderItem
from tests.factories import CustomerFactory


def xlsx(*rows) -> io.BytesIO:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importing.COLUMNS)
    for row in rows:
        sheet.append(row)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    return upload


ROWS = [
    ["X1", "13900000001", "王芳", "paid", "2026-11-01 10:00:00", "", "京东店", "alipay", "8", "SKU-A", "茶杯", "白色", "2", "30"],
    ["X1", "13900000001", "王芳", "paid", "2026-11-01 10:00:00", "", "京东店", "alipay", "8", "SKU-B", "茶壶", "", "1", "5.5"],
    ["X2", "13900000002", "", "delivered", "2026-11-02 09:00:00", "2026-11-04 18:00:00", "天猫店", "wechat", "", "SKU-C",
     "茶叶", "250g", "1", "99", "2026-11-03 08:00:00"],
    ["X3", "13900000003", "李强", "lost", "2026-11-02 09:00:00", "", "", "", "", "SKU-D", "杯", "", "1", "1"],
]


def check_imported(result, *, times: bool = True):
    assert (result["rows"], result["created"], result["skipped"], result["refused"]) == (4, 2, 0, 1)
    assert "unknown status" in result["errors"][0]["error"] and result["errors"][0]["order_number"] == "X3"
    first, second = Order.objects.get(number="X1"), Order.objects.get(number="X2")
    assert first.total_amount == Decimal("73.50") and first.shipping_fee == Decimal("8")  # 2 × 30 + 5.5 + 8
    assert first.delivered_at is None and second.delivered_at is not None
    if times:
        shanghai = ZoneInfo("Asia/Shanghai")
        assert first.placed_at == dt.datetime(2026, 11, 1, 10, tzinfo=shanghai) == first.paid_at
        assert second.delivered_at == dt.datetime(2026, 11, 4, 18, tzinfo=shanghai)
    assert list(first.items.order_by("id").values_list("sku", "quantity")) == [("SKU-A", 2), ("SKU-B", 1)]
    assert first.customer.name == "王芳"


@pytest.mark.django_db
def test_xlsx_import_inside_a_transaction_writes_chunks_on_this_connection():
    # Times are read back only after the commit: the chunk's time zone setting lasts to the end of the caller's
    # transaction, and timestamps read while it lasts come back with the wrong offset.
    check_imported(importing.orders_import(xlsx(*ROWS), name="orders.xlsx"), times=False)
    assert Order.objects.get(number="X2").customer.name == "13900000002"  # a new archive named by its phone
    again = importing.orders_import(xlsx(*ROWS), name="orders.xlsx")
    assert (again["created"], again["skipped"]) == (0, 2) and Order.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_xlsx_import_writes_chunks_on_a_second_connection_while_parsing():
    existing = CustomerFactory(phone="13900000002", name="老客户")
    check_imported(importing.orders_import(xlsx(*ROWS), name="orders.xlsx"))
    assert Order.objects.get(number="X2").customer == existing and Customer.objects.filter(phone="13900000001").count() == 1


@pytest.mark.django_db
def test_reserved_ids_are_new_and_copied_rows_keep_them():
    customer = CustomerFactory()
    ids = ids_reserve(Order._meta.db_table, 2)
    assert len(set(ids)) == 2
    with transaction.atomic():
        chunk_transaction_prepare()
        with connection.cursor() as cursor:
            cursor.execute("SHOW TimeZone")
            assert cursor.fetchone()[0] == "Asia/Shanghai"
        columns = ["id", "number", "customer_id", "shop", "status", "total_amount", "shipping_fee", "payment_method",
                   "carrier", "tracking_number", "placed_at", "delivered_at", "created_at", "updated_at"]
        common = ["", "paid", "1.00", "0", "", "", "", "2026-11-01 10:00:00"]
        rows_copy(Order._meta.db_table, columns,
                  [(ids[0], "C1", customer.pk, *common, NULL, "2026-11-01 10:00:00", "2026-11-01 10:00:00"),
                   (ids[1], "C2", customer.pk, *common, "2026-11-02 10:00:00", "2026-11-01 10:00:00",
                    "2026-11-01 10:00:00")])
        rows_copy(OrderItem._meta.db_table, ["order_id", "sku", "name", "spec", "quantity", "unit_price"],
                  [(ids[1], "S", "杯", "", 1, "2.00")])
    first, second = Order.objects.get(pk=ids[0]), Order.objects.get(pk=ids[1])
    assert first.number == "C1" and first.delivered_at is None and second.items.get().sku == "S"
    with connection.cursor() as cursor:  # compared in SQL: the time zone setting still holds in this test's transaction
        cursor.execute("SELECT placed_at = '2026-11-01 02:00:00+00' FROM orders_order WHERE id = %s", [ids[0]])
        assert cursor.fetchone()[0] is True
