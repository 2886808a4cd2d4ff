"""Orders as shops send them: the same checks on the upsert, the webhook and the import, and nothing half-written."""

import io
import json
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from customers.models import Customer
from orders import importing, shop_sync
from orders.models import Order, OrderItem, OrderStatusChange, WebhookDelivery
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
SECRET = "test-webhook-secret"
PLACED = "2026-11-01T10:00:00+08:00"
ORDER = {
    "customer": {"name": "王芳", "phone": "13911112222"}, "shop": "天猫旗舰店", "status": "paid", "total_amount": "398.00",
    "placed_at": PLACED, "updated_at": PLACED,
    "items": [{"sku": "SKU-TEA-001", "name": "西湖龙井", "quantity": 1, "unit_price": "398.00"}],
}
FAR = (timezone.now() + timedelta(days=400)).isoformat()

# (case, what the shop sends differently, the field refused: in the API body, in the import report)
ORDER_CASES = [
    ("bad-phone", {"phone": "badphone"}, ("customer", "phone"), "customer_phone"),
    ("foreign-phone", {"phone": "+44 7911 123456"}, ("customer", "phone"), "customer_phone"),
    ("short-mobile", {"phone": "1380013800"}, ("customer", "phone"), "customer_phone"),
    ("delivered-without-delivered-at", {"status": "delivered", "shipped_at": "2026-11-02T10:00:00+08:00"},
     ("delivered_at",), "delivered_at"),
    ("shipped-without-shipped-at", {"status": "shipped"}, ("shipped_at",), "shipped_at"),
    ("delivered-without-shipped-at", {"status": "delivered", "delivered_at": "2026-11-03T10:00:00+08:00"},
     ("shipped_at",), "shipped_at"),
    ("delivered-before-shipped", {"status": "delivered", "shipped_at": "2026-11-03T10:00:00+08:00",
                                  "delivered_at": "2026-11-02T10:00:00+08:00"}, ("delivered_at",), "delivered_at"),
    ("shipped-before-placed", {"status": "shipped", "shipped_at": "2026-10-30T10:00:00+08:00"}, ("shipped_at",),
     "shipped_at"),
    ("placed-far-in-the-future", {"placed_at": FAR}, ("placed_at",), "placed_at"),
    ("delivered-far-in-the-future", {"status": "delivered", "shipped_at": "2026-11-02T10:00:00+08:00",
                                     "delivered_at": FAR}, ("delivered_at",), "delivered_at"),
]
ORDER_IDS = [case[0] for case in ORDER_CASES]
# The same phone as the shops write it, and as it is stored.
PHONES = [("+86 139-1111-2222", "13911112222"), ("0086 13911112222", "13911112222"), ("139 1111 2222", "13911112222"),
          ("010-62345678", "01062345678"), ("+86 10 6234 5678", "01062345678"), ("0086 (021) 8765-4321", "02187654321"),
          ("0571 87654321", "057187654321")]


@pytest.fixture
def shop(api_client):
    """A shop integration account allowed to write orders."""
    api_client.force_authenticate(UserFactory(username="shop-sync", role="Admin"))
    return api_client


def api_order(change: dict) -> dict:
    """Return the upsert body with the case's change (a phone goes into the customer)."""
    change = dict(change)
    body = {**ORDER, "customer": {**ORDER["customer"]}}
    if "phone" in change:
        body["customer"]["phone"] = change.pop("phone")
    return {**body, **change}


def refused_field(body: dict, path: tuple) -> list:
    for key in path:
        body = body[key]
    return body


def signed_post(client, event: dict):
    body = json.dumps(event).encode()
    stamp = str(int(time.time()))
    return client.post("/api/v1/webhooks/orders/", body, content_type="application/json", HTTP_X_WEBHOOK_TIMESTAMP=stamp,
                       HTTP_X_WEBHOOK_SIGNATURE=shop_sync.webhook_signature(SECRET, stamp, body))


def import_row(number: str, change: dict | None = None, **item) -> list[str]:
    """Return one import row (an order's first row carries its fields) with the case's change applied."""
    values = {"order_number": number, "customer_phone": "13911112222", "customer_name": "王芳", "status": "paid",
              "placed_at": PLACED, "delivered_at": "", "shop": "京东店", "payment_method": "alipay", "shipping_fee": "8",
              "sku": "SKU-A", "item_name": "茶杯", "spec": "", "quantity": "2", "unit_price": "30.00", "shipped_at": ""}
    for key, value in (change or {}).items():
        values["customer_phone" if key == "phone" else key] = value
    values.update(item)
    return [values[column] for column in importing.COLUMNS]


def run_import(kind: str, *rows: list[str]) -> dict:
    """Import the rows as a CSV file (the staged SQL path) or an XLSX file (the parsed path)."""
    if kind == "csv":
        upload = io.BytesIO("\n".join(",".join(r) for r in [importing.COLUMNS, *rows]).encode())
        return importing.orders_import(upload, name="orders.csv")
    from openpyxl import Workbook

    workbook = Workbook()
    for row in [importing.COLUMNS, *rows]:
        workbook.active.append(row)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    return importing.orders_import(upload, name="orders.xlsx")


# --- the upsert (PUT /api/v1/orders/by-number/{number}/) ---------------------------------------------------------

@pytest.mark.parametrize(("case", "change", "path", "_column"), ORDER_CASES, ids=ORDER_IDS)
def test_upsert_refuses_an_inconsistent_new_order_with_a_field_error_and_writes_nothing(shop, case, change, path, _column):
    response = shop.put("/api/v1/orders/by-number/V1/", api_order(change), format="json")
    assert response.status_code == 400, response.json()
    assert refused_field(response.json(), path)
    assert not Order.objects.exists() and not Customer.objects.exists() and not OrderItem.objects.exists()


@pytest.mark.parametrize(("case", "change", "path", "_column"),
                         [c for c in ORDER_CASES if "phone" not in c[1]], ids=[c[0] for c in ORDER_CASES if "phone" not in c[1]])
def test_upsert_refuses_an_update_that_makes_the_order_inconsistent_and_changes_nothing(shop, case, change, path, _column):
    assert shop.put("/api/v1/orders/by-number/V2/", ORDER, format="json").status_code == 201
    response = shop.put("/api/v1/orders/by-number/V2/", {**change, "updated_at": "2026-11-05T10:00:00+08:00"}, format="json")
    assert response.status_code == 400, response.json()
    assert refused_field(response.json(), path)
    order = Order.objects.get(number="V2")
    assert (order.status, order.shipped_at, order.delivered_at, order.source_updated_at.isoformat()) == (
        "paid", None, None, "2026-11-01T02:00:00+00:00")
    assert OrderStatusChange.objects.filter(order=order).count() == 1


def test_upsert_takes_a_delivery_once_its_shipment_is_stored(shop):
    assert shop.put("/api/v1/orders/by-number/V3/", ORDER, format="json").status_code == 201
    early = shop.put("/api/v1/orders/by-number/V3/", {"status": "delivered", "delivered_at": "2026-11-03T10:00:00+08:00",
                                                      "updated_at": "2026-11-02T10:00:00+08:00"}, format="json")
    assert early.status_code == 400 and set(early.json()) == {"shipped_at"}
    assert shop.put("/api/v1/orders/by-number/V3/", {"status": "shipped", "shipped_at": "2026-11-02T10:00:00+08:00",
                                                     "updated_at": "2026-11-02T11:00:00+08:00"}, format="json").status_code == 200
    response = shop.put("/api/v1/orders/by-number/V3/", {"status": "delivered", "delivered_at": "2026-11-03T10:00:00+08:00",
                                                         "updated_at": "2026-11-03T10:00:00+08:00"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "delivered"


@pytest.mark.parametrize(("raw", "stored"), PHONES)
def test_upsert_stores_the_phone_normalized_and_finds_the_customer_by_it(shop, raw, stored):
    existing = CustomerFactory(phone=stored)
    response = shop.put("/api/v1/orders/by-number/V4/", api_order({"phone": raw}), format="json")
    assert response.status_code == 201 and response.json()["customer"]["id"] == existing.pk
    assert Customer.objects.count() == 1


def test_upsert_stores_a_new_customer_with_the_normalized_phone_and_e_mail(shop):
    body = {**ORDER, "customer": {"name": "李强", "phone": "+86 138-0013-8000", "email": " Li.Qiang@Example.COM "}}
    assert shop.put("/api/v1/orders/by-number/V5/", body, format="json").status_code == 201
    customer = Order.objects.get(number="V5").customer
    assert (customer.phone, customer.email) == ("13800138000", "li.qiang@example.com")


def test_upsert_refuses_a_bad_e_mail_with_the_shared_message(shop):
    body = {**ORDER, "customer": {"name": "李强", "email": "li.qiang@"}}
    response = shop.put("/api/v1/orders/by-number/V6/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json() == {"customer": {"email": ["Enter a valid e-mail address."]}}
    assert not Order.objects.exists()


def test_upsert_total_must_be_the_lines_plus_shipping_within_a_cent(shop):
    cases = [("398.00", "0", True), ("410.50", "12.50", True), ("410.51", "12.50", True), ("398.00", "12.50", False),
             ("400.00", "0", False), ("0", "0", False)]
    for n, (total, fee, ok) in enumerate(cases):
        response = shop.put(f"/api/v1/orders/by-number/V7-{n}/", {**ORDER, "total_amount": total, "shipping_fee": fee},
                            format="json")
        assert response.status_code == (201 if ok else 400), (total, fee, response.json())
        if not ok:
            assert set(response.json()) == {"total_amount"} and not Order.objects.filter(number=f"V7-{n}").exists()


def test_upsert_without_a_total_takes_the_lines_plus_shipping(shop):
    body = {k: v for k, v in ORDER.items() if k != "total_amount"}
    body["items"] = [*ORDER["items"], {"sku": "CUP", "name": "杯", "quantity": 3, "unit_price": "19.90"}]
    response = shop.put("/api/v1/orders/by-number/V8/", {**body, "shipping_fee": "10"}, format="json")
    assert response.status_code == 201 and response.json()["total_amount"] == "467.70"


def test_upsert_refuses_changed_lines_that_no_longer_match_the_total(shop):
    assert shop.put("/api/v1/orders/by-number/V9/", ORDER, format="json").status_code == 201
    lines = [{"sku": "SKU-TEA-001", "name": "西湖龙井", "quantity": 2, "unit_price": "398.00"}]
    response = shop.put("/api/v1/orders/by-number/V9/", {"items": lines, "total_amount": "398.00",
                                                         "updated_at": "2026-11-02T10:00:00+08:00"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"total_amount"}
    assert Order.objects.get(number="V9").items.get().quantity == 1


def test_upsert_errors_are_translated(shop):
    response = shop.put("/api/v1/orders/by-number/V10/", api_order({"phone": "badphone", "status": "delivered"}),
                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.json()
    assert response.status_code == 400 and "手机" in body["customer"]["phone"][0]
    shipped = shop.put("/api/v1/orders/by-number/V10/", api_order({"status": "delivered"}), format="json",
                       HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert "发货时间" in shipped["shipped_at"][0] and "签收时间" in shipped["delivered_at"][0]


# --- the webhook (POST /api/v1/webhooks/orders/) ------------------------------------------------------------------

@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize(("case", "change", "path", "_column"), ORDER_CASES, ids=ORDER_IDS)
def test_webhook_refuses_an_inconsistent_order_with_its_errors_and_records_nothing(client, case, change, path, _column):
    response = signed_post(client, {"id": f"evt-{case}", "order": {"number": "W1", **api_order(change)}})
    assert response.status_code == 400
    assert refused_field(response.json()["order"], path)
    assert not Order.objects.exists() and not WebhookDelivery.objects.exists() and not Customer.objects.exists()


@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
def test_a_refused_webhook_event_sent_again_fixed_is_applied(client):
    bad = {"number": "W2", **api_order({"status": "delivered", "shipped_at": "2026-11-02T10:00:00+08:00"})}
    refused = signed_post(client, {"id": "evt-fix", "order": bad})
    assert refused.status_code == 400 and list(refused.json()) == ["order"]
    assert set(refused.json()["order"]) == {"delivered_at"}
    fixed = signed_post(client, {"id": "evt-fix", "order": {**bad, "delivered_at": "2026-11-03T10:00:00+08:00"}})
    assert fixed.json() == {"status": "applied"} and Order.objects.get(number="W2").status == "delivered"


@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
def test_webhook_refuses_an_update_that_makes_the_order_inconsistent(client):
    assert signed_post(client, {"id": "evt-a", "order": {"number": "W3", **ORDER}}).json() == {"status": "applied"}
    response = signed_post(client, {"id": "evt-b", "order": {"number": "W3", "status": "shipped",
                                                             "updated_at": "2026-11-02T10:00:00+08:00"}})
    assert response.status_code == 400 and set(response.json()["order"]) == {"shipped_at"}
    assert Order.objects.get(number="W3").status == "paid" and WebhookDelivery.objects.count() == 1


@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
def test_webhook_total_must_be_the_lines_plus_shipping(client):
    refused = signed_post(client, {"id": "evt-t", "order": {"number": "W4", **ORDER, "total_amount": "100.00"}})
    assert refused.status_code == 400 and set(refused.json()["order"]) == {"total_amount"} and not Order.objects.exists()
    applied = signed_post(client, {"id": "evt-t", "order": {"number": "W4", **ORDER, "total_amount": "398.00"}})
    assert applied.json() == {"status": "applied"}


@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize(("raw", "stored"), PHONES)
def test_webhook_stores_the_phone_normalized(client, raw, stored):
    assert signed_post(client, {"id": "evt-p", "order": {"number": "W5", **api_order({"phone": raw})}}).status_code == 200
    assert Order.objects.get(number="W5").customer.phone == stored


@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
def test_webhook_stores_the_e_mail_normalized_and_refuses_a_bad_one(client):
    response = signed_post(client, {"id": "evt-e", "order": {"number": "W6", **ORDER,
                                                             "customer": {"name": "李", "email": "nobody@"}}})
    assert response.status_code == 400 and response.json()["order"]["customer"]["email"]
    applied = signed_post(client, {"id": "evt-e", "order": {"number": "W6", **ORDER,
                                                            "customer": {"name": "李", "email": "Li@Example.COM"}}})
    assert applied.status_code == 200 and Order.objects.get(number="W6").customer.email == "li@example.com"


# --- the import (CSV: staged SQL path; XLSX: parsed path) ------------------------------------------------------------

KINDS = ["csv", "xlsx"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "change", "_path", "column"), ORDER_CASES, ids=ORDER_IDS)
def test_import_refuses_an_inconsistent_order_whole_and_reports_row_and_field(kind, case, change, _path, column):
    result = run_import(kind, import_row("GOOD1"), import_row("BAD1", change), import_row("BAD1", change, sku="SKU-B"),
                        import_row("GOOD2", sku="SKU-C"))
    assert (result["created"], result["refused"]) == (2, 1), result["errors"]
    [error] = result["errors"]
    assert (error["order_number"], error["row"], error["field"]) == ("BAD1", 3, column)
    assert error["message"] and error["error"] == f"row 3: {error['message']}"
    assert sorted(Order.objects.values_list("number", flat=True)) == ["GOOD1", "GOOD2"]
    assert OrderItem.objects.count() == 2  # each good order whole, nothing of the refused one


@pytest.mark.parametrize("kind", KINDS)
def test_import_takes_a_consistent_delivered_order_with_its_times(kind):
    change = {"status": "delivered", "shipped_at": "2026-11-02T10:00:00+08:00", "delivered_at": "2026-11-03T10:00:00+08:00"}
    result = run_import(kind, import_row("D1", change), import_row("D1", change, sku="SKU-B", quantity="1", unit_price="5"))
    assert result["created"] == 1, result["errors"]
    order = Order.objects.get(number="D1")
    # Compared with each other: read inside the import's transaction, the times all share its time zone setting.
    assert order.shipped_at - order.placed_at == order.delivered_at - order.shipped_at == timedelta(days=1)
    assert str(order.total_amount) == "73.00"  # 2 × 30 + 5 + shipping 8


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("raw", "stored"), PHONES)
def test_import_stores_the_phone_normalized_and_finds_the_customer_by_it(kind, raw, stored):
    existing = CustomerFactory(phone=stored)
    result = run_import(kind, import_row("N1", {"phone": raw}), import_row("N2", {"phone": raw}))
    assert result["created"] == 2, result["errors"]
    assert set(Order.objects.values_list("customer_id", flat=True)) == {existing.pk} and Customer.objects.count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_import_makes_one_new_customer_for_one_phone_written_two_ways(kind):
    result = run_import(kind, import_row("M1", {"phone": "+86 138 0013 8000"}), import_row("M2", {"phone": "13800138000"}))
    assert result["created"] == 2 and list(Customer.objects.values_list("phone", flat=True)) == ["13800138000"]


@pytest.mark.parametrize("kind", KINDS)
def test_import_reasons_are_translated(kind):
    with translation.override("zh-hans"):
        result = run_import(kind, import_row("T1", {"phone": "badphone"}), import_row("T2", {"status": "delivered"}))
    reasons = {e["order_number"]: e["message"] for e in result["errors"]}
    assert "手机" in reasons["T1"] and "发货时间" in reasons["T2"]


def test_import_report_lines_are_in_the_api_with_row_and_field(shop, django_capture_on_commit_callbacks):
    upload = io.BytesIO("\n".join(",".join(r) for r in [importing.COLUMNS, import_row("A1"),
                                                         import_row("A2", {"phone": "badphone"})]).encode())
    upload.name = "orders.csv"
    with django_capture_on_commit_callbacks():
        job = shop.post("/api/v1/orders/import/", {"file": upload}, format="multipart").json()
    importing.order_import_run(order_import_id=job["id"])
    errors = shop.get(f"/api/v1/orders/import/{job['id']}/").json()["errors"]
    assert [(e["order_number"], e["row"], e["field"]) for e in errors] == [("A2", 3, "customer_phone")]


# --- the import's pages (/orders/import/) ------------------------------------------------------------------------

def test_import_result_page_shows_each_refused_order_with_row_field_and_reason(client_for, admin_user,
                                                                              django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(admin_user)
    text = "\n".join(",".join(r) for r in [importing.COLUMNS, import_row("P1"), import_row("P2", {"phone": "badphone"}),
                                          import_row("P3", {"status": "delivered"})])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/orders/import/", {"file": SimpleUploadedFile("orders.csv", text.encode())},
                               HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and len(callbacks) == 1
    job_url = response["Location"]
    importing.order_import_run(order_import_id=int(job_url.rstrip("/").rsplit("/", 1)[1]))
    page = client.get(job_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 rows: 1 orders created, 0 already present, 2 refused." in page
    assert "<td>3</td><td>P2</td><td>customer_phone</td><td>Enter a valid mainland phone number" in page
    assert "<td>4</td><td>P3</td><td>shipped_at</td><td>A shipped or delivered order needs the time it was shipped." in page
    assert list(Order.objects.values_list("number", flat=True)) == ["P1"]
    assert "拒收 2 个" in client.get(job_url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_import_page_refuses_a_file_that_is_not_csv_or_xlsx(client_for, admin_user, agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(admin_user).post("/orders/import/", {"file": SimpleUploadedFile("orders.txt", b"x")},
                                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Upload a .csv or .xlsx file." in response.content.decode()
    assert client_for(agent).get("/orders/import/").status_code == 403
