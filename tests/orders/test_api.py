import io
import json
import time

import pytest
from django.test import override_settings

from orders import importing, shop_sync
from orders.models import Order, OrderImport, OrderStatusChange, ReturnRequest, WebhookDelivery
from tests.factories import CustomerFactory, UserFactory
from tests.factories.orders import delivered_order

pytestmark = pytest.mark.django_db
SECRET = "test-webhook-secret"


@pytest.fixture
def shop(api_client):
    """A shop integration account allowed to write orders."""
    api_client.force_authenticate(UserFactory(username="shop-sync", role="Admin"))
    return api_client


ORDER = {
    "customer": {"name": "王芳", "phone": "13911112222"},
    "shop": "天猫旗舰店", "status": "paid", "total_amount": "398.00", "payment_method": "alipay",
    "placed_at": "2026-11-20T10:00:00+08:00", "updated_at": "2026-11-20T10:00:00+08:00",
    "items": [{"sku": "SKU-TEA-001", "name": "西湖龙井", "spec": "250g", "quantity": 1, "unit_price": "398.00"}],
}


def test_upsert_by_number_creates_then_repeats_without_change(shop):
    first = shop.put("/api/v1/orders/by-number/DD100/", ORDER, format="json")
    assert first.status_code == 201 and first.json()["items"][0]["sku"] == "SKU-TEA-001"
    again = shop.put("/api/v1/orders/by-number/DD100/", ORDER, format="json")
    assert again.status_code == 200
    assert Order.objects.filter(number="DD100").count() == 1
    assert OrderStatusChange.objects.filter(order__number="DD100").count() == 1


def test_upsert_records_status_history_and_ignores_an_older_update(shop):
    shop.put("/api/v1/orders/by-number/DD101/", ORDER, format="json")
    newer = {"status": "shipped", "shipped_at": "2026-11-21T09:00:00+08:00", "tracking_number": "SF1",
             "updated_at": "2026-11-21T10:00:00+08:00"}
    assert shop.put("/api/v1/orders/by-number/DD101/", newer, format="json").json()["status"] == "shipped"
    older = {"status": "paid", "updated_at": "2026-11-20T12:00:00+08:00"}
    assert shop.put("/api/v1/orders/by-number/DD101/", older, format="json").json()["status"] == "shipped"
    history = list(OrderStatusChange.objects.filter(order__number="DD101").values_list("to_status", flat=True))
    assert history == ["paid", "shipped"]


def test_upsert_of_a_new_order_without_customer_is_a_400(shop):
    response = shop.put("/api/v1/orders/by-number/DD102/", {"status": "paid"}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_agent_may_read_but_not_upsert_orders(api_client, agent):
    order = delivered_order()
    api_client.force_authenticate(agent)
    assert api_client.put("/api/v1/orders/by-number/DD103/", ORDER, format="json").status_code == 403
    listed = api_client.get("/api/v1/orders/", {"q": order.number}).json()["results"]
    assert [o["number"] for o in listed] == [order.number]
    assert api_client.get(f"/api/v1/orders/{order.pk}/").json()["status_history"] == []


def signed(body: bytes, *, secret=SECRET, at=None):
    timestamp = str(int(at if at is not None else time.time()))
    return {"HTTP_X_WEBHOOK_TIMESTAMP": timestamp,
            "HTTP_X_WEBHOOK_SIGNATURE": shop_sync.webhook_signature(secret, timestamp, body)}


@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
def test_webhook_applies_an_event_once(client):
    body = json.dumps({"id": "evt-1", "topic": "order.created", "order": {"number": "DD200", **ORDER}}).encode()
    first = client.post("/api/v1/webhooks/orders/", body, content_type="application/json", **signed(body))
    second = client.post("/api/v1/webhooks/orders/", body, content_type="application/json", **signed(body))
    assert (first.json(), second.json()) == ({"status": "applied"}, {"status": "duplicate"})
    assert Order.objects.filter(number="DD200").count() == 1 and WebhookDelivery.objects.count() == 1


@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize(("headers", "code"), [
    (lambda body: signed(body, secret="wrong"), 401),
    (lambda body: {}, 401),
    (lambda body: signed(body, at=time.time() - 3600), 400),
])
def test_forged_or_stale_webhook_changes_nothing(client, headers, code):
    body = json.dumps({"id": "evt-2", "order": {"number": "DD201", **ORDER}}).encode()
    response = client.post("/api/v1/webhooks/orders/", body, content_type="application/json", **headers(body))
    assert response.status_code == code
    assert not Order.objects.filter(number="DD201").exists() and not WebhookDelivery.objects.exists()


@override_settings(ORDER_WEBHOOK_SECRET=SECRET)
def test_webhook_for_a_new_order_without_customer_is_a_400_and_not_recorded(client):
    body = json.dumps({"id": "evt-3", "order": {"number": "DD202", "status": "paid"}}).encode()
    response = client.post("/api/v1/webhooks/orders/", body, content_type="application/json", **signed(body))
    assert response.status_code == 400 and not WebhookDelivery.objects.exists()


@override_settings(ORDER_WEBHOOK_SECRET="")
def test_webhook_without_a_configured_secret_is_refused(client):
    body = b'{"id": "x", "order": {"number": "DD1"}}'
    assert client.post("/api/v1/webhooks/orders/", body, content_type="application/json", **signed(body, secret="")).status_code == 401


def test_import_reports_bad_rows_and_makes_no_partial_order(shop, django_capture_on_commit_callbacks):
    CustomerFactory(phone="13900000001")
    csv_text = "\n".join([
        ",".join(importing.COLUMNS),
        "IMP1,13900000001,赵敏,delivered,2026-11-01T10:00:00,2026-11-03T10:00:00,京东店,wechat,8,SKU-A,茶杯,白色,2,30.00,"
        "2026-11-02T10:00:00",
        "IMP1,13900000001,赵敏,delivered,2026-11-01T10:00:00,2026-11-03T10:00:00,京东店,wechat,8,SKU-B,茶壶,,1,88.00,"
        "2026-11-02T10:00:00",
        "IMP2,13900000002,钱多,paid,2026-11-02T10:00:00,,京东店,alipay,0,SKU-A,茶杯,白色,1,30.00,",
        "IMP2,13900000002,钱多,paid,2026-11-02T10:00:00,,京东店,alipay,0,SKU-C,坏行,,zero,1.00,",
        "IMP3,13900000003,孙丽,unknown_status,2026-11-02T10:00:00,,京东店,alipay,0,SKU-A,茶杯,,1,30.00,",
    ]).encode()
    upload = io.BytesIO(csv_text)
    upload.name = "orders.csv"
    with django_capture_on_commit_callbacks() as callbacks:
        started = shop.post("/api/v1/orders/import/", {"file": upload}, format="multipart")
    assert started.status_code == 202 and len(callbacks) == 1
    importing.order_import_run(order_import_id=started.json()["id"])
    progress = shop.get(f"/api/v1/orders/import/{started.json()['id']}/").json()
    assert progress["status"] == "done" and progress["orders_created"] == 1 and progress["rows_done"] == 5
    assert {e["order_number"] for e in progress["errors"]} == {"IMP2", "IMP3"}
    order = Order.objects.get(number="IMP1")
    assert order.items.count() == 2 and str(order.total_amount) == "156.00"
    assert not Order.objects.filter(number__in=["IMP2", "IMP3"]).exists()
    importing.order_import_run(order_import_id=started.json()["id"])  # a repeated task does nothing
    assert OrderImport.objects.get().orders_created == 1


def test_import_with_wrong_columns_fails_with_a_message(shop, django_capture_on_commit_callbacks):
    upload = io.BytesIO(b"foo,bar\n1,2\n")
    upload.name = "orders.csv"
    job_id = shop.post("/api/v1/orders/import/", {"file": upload}, format="multipart").json()["id"]
    importing.order_import_run(order_import_id=job_id)
    job = OrderImport.objects.get(pk=job_id)
    assert job.status == "failed" and "missing columns" in job.errors[0]["error"]


def return_payload(order, quantity=1, **extra):
    return {"order": order.pk, "kind": "return", "reason": "no_reason",
            "items": [{"order_item": order.items.first().pk, "quantity": quantity}], **extra}


def test_agent_files_and_walks_a_return_through_the_api(api_client, agent):
    api_client.force_authenticate(agent)
    order = delivered_order(lines=((1, "199.00"),))
    created = api_client.post("/api/v1/returns/", return_payload(order), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body["deadlines"]) == {"confirm", "pickup", "inspection", "refund", "case"}
    assert body["deadlines"]["confirm"]["due_at"] and body["contact_phone"].count("*") == 4
    rid = body["id"]
    quote = api_client.get(f"/api/v1/returns/{rid}/quote/").json()
    assert quote["refund_amount"] == "187.00" and [l["code"] for l in quote["lines"]] == ["goods", "return_shipping"]
    steps = [("approve", {}), ("arrange_pickup", {"method": "pickup", "carrier": "sf", "tracking": "SF77"}),
             ("receive", {}), ("inspect", {"passed": True, "notes": "包装完好"}), ("refund", {}), ("close", {})]
    for name, data in steps:
        response = api_client.post(f"/api/v1/returns/{rid}/{name}/", data, format="json")
        assert response.status_code == 200, (name, response.json())
    assert response.json()["status"] == "closed" and response.json()["return_carrier"] == "sf"
    listed = api_client.get("/api/v1/returns/", {"q": order.number}).json()["results"]
    assert [r["id"] for r in listed] == [rid]


def test_bad_return_input_is_a_400_with_field_errors(api_client, agent):
    api_client.force_authenticate(agent)
    order = delivered_order(lines=((1, "10.00"),))
    assert "items" in api_client.post("/api/v1/returns/", return_payload(order, quantity=3), format="json").json()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    refused = api_client.post("/api/v1/returns/", return_payload(order), format="json")
    assert refused.status_code == 400 and "已取消" in refused.json()["order"][0]
    exchange = api_client.post("/api/v1/returns/", {**return_payload(delivered_order()), "kind": "exchange"}, format="json")
    assert exchange.status_code == 400 and "exchange_sku" in exchange.json()


def test_wrong_step_is_a_409_and_extension_needs_a_supervisor(api_client, agent, supervisor):
    api_client.force_authenticate(agent)
    rid = api_client.post("/api/v1/returns/", return_payload(delivered_order()), format="json").json()["id"]
    assert api_client.post(f"/api/v1/returns/{rid}/receive/").status_code == 409
    assert api_client.post(f"/api/v1/returns/{rid}/reject/", {}, format="json").status_code == 400
    extend = {"step": "confirm", "days": 1, "reason": "暴雨红色预警"}
    assert api_client.post(f"/api/v1/returns/{rid}/extend/", extend, format="json").status_code == 403
    api_client.force_authenticate(supervisor)
    assert api_client.post(f"/api/v1/returns/{rid}/extend/", extend, format="json").status_code == 200


def test_returns_are_hidden_from_users_without_the_permission(api_client):
    api_client.force_authenticate(UserFactory(username="nobody"))
    assert api_client.get("/api/v1/returns/").status_code == 403


def test_deadlines_block_is_in_the_return(api_client, agent):
    api_client.force_authenticate(agent)
    rid = api_client.post("/api/v1/returns/", return_payload(delivered_order()), format="json").json()["id"]
    api_client.post(f"/api/v1/returns/{rid}/approve/")
    pickup = api_client.get(f"/api/v1/returns/{rid}/").json()["deadlines"]["pickup"]
    assert pickup["due_at"] and pickup["met_at"] is None and pickup["breached_at"] is None
    assert ReturnRequest.objects.get(pk=rid).status == "approved"


def test_upsert_syncs_items_by_sku_changed_new_and_gone_in_few_statements(shop, django_assert_max_num_queries):
    body = {**ORDER, "total_amount": "35.00", "items": [{"sku": "A", "name": "杯", "quantity": 1, "unit_price": "10.00"},
                               {"sku": "B", "name": "壶", "quantity": 1, "unit_price": "20.00"},
                               {"sku": "C", "name": "盘", "quantity": 1, "unit_price": "5.00"}]}
    assert shop.put("/api/v1/orders/by-number/SYNC1/", body, format="json").status_code == 201
    body["items"] = [{"sku": "A", "name": "杯", "quantity": 3, "unit_price": "10.00"},
                     {"sku": "C", "name": "盘", "quantity": 1, "unit_price": "5.00"},
                     {"sku": "D", "name": "碗", "quantity": 2, "unit_price": "8.00"}]
    body["updated_at"] = "2026-11-21T10:00:00+08:00"
    body["total_amount"] = "51.00"
    with django_assert_max_num_queries(14):
        response = shop.put("/api/v1/orders/by-number/SYNC1/", body, format="json")
    assert response.status_code == 200
    order = Order.objects.get(number="SYNC1")
    assert {(i.sku, i.quantity) for i in order.items.all()} == {("A", 3), ("C", 1), ("D", 2)}


def test_upsert_answer_is_the_order_detail_of_the_api(shop):
    """The upsert builds its answer without DRF's serializer: it must equal GET /api/v1/orders/{id}/ field for field."""
    created = shop.put("/api/v1/orders/by-number/DD120/", {**ORDER, "shipping_fee": "12.50", "total_amount": "410.50"},
                       format="json")
    assert created.status_code == 201
    changed = shop.put("/api/v1/orders/by-number/DD120/", {
        "status": "shipped", "shipped_at": "2026-11-21T09:30:00+08:00", "carrier": "SF", "tracking_number": "SF9",
        "updated_at": "2026-11-21T09:30:00+08:00", "total_amount": "450.30",
        "items": [*ORDER["items"], {"sku": "SKU-CUP-2", "name": "杯", "quantity": 2, "unit_price": "19.9"}]}, format="json")
    assert changed.status_code == 200
    body = changed.json()
    assert body == shop.get(f"/api/v1/orders/{body['id']}/").json()
    assert [h["to_status"] for h in body["status_history"]] == ["paid", "shipped"]
    assert body["paid_at"] is None and body["shipping_fee"] == "12.50" and body["items"][1]["unit_price"] == "19.90"
    stale = shop.put("/api/v1/orders/by-number/DD120/", {"status": "paid", "updated_at": "2026-11-20T11:00:00+08:00"},
                     format="json")
    assert stale.status_code == 200 and stale.json() == body
    same_items = shop.put("/api/v1/orders/by-number/DD120/", {  # the lines read by the sync answer, unchanged
        "status": "delivered", "delivered_at": "2026-11-22T09:30:00+08:00", "updated_at": "2026-11-22T09:30:00+08:00",
        "items": [*ORDER["items"], {"sku": "SKU-CUP-2", "name": "杯", "quantity": 2, "unit_price": "19.90"}]}, format="json")
    assert same_items.status_code == 200
    assert same_items.json() == shop.get(f"/api/v1/orders/{body['id']}/").json()
    assert same_items.json()["items"] == body["items"] and same_items.json()["status"] == "delivered"


def test_upsert_of_an_existing_order_locks_reads_and_writes_in_three_statements(shop, django_assert_num_queries):
    assert shop.put("/api/v1/orders/by-number/DD140/", ORDER, format="json").status_code == 201
    changed = {**ORDER, "status": "shipped", "shipped_at": "2026-11-21T09:00:00+08:00", "updated_at": "2026-11-21T10:00:00+08:00"}
    with django_assert_num_queries(5):  # BEGIN, lock, customer + lines + history, update + history row, COMMIT
        response = shop.put("/api/v1/orders/by-number/DD140/", changed, format="json")
    assert response.status_code == 200
    assert response.json() == shop.get(f"/api/v1/orders/{response.json()['id']}/").json()
    assert [h["to_status"] for h in response.json()["status_history"]] == ["paid", "shipped"]


@pytest.mark.parametrize("same", [ORDER, {k: v for k, v in ORDER.items() if k != "updated_at"}],
                         ids=["repeated", "compared-field-by-field"])
def test_upsert_of_an_unchanged_order_reads_in_two_statements(shop, django_assert_num_queries, same):
    assert shop.put("/api/v1/orders/by-number/DD141/", ORDER, format="json").status_code == 201
    with django_assert_num_queries(4):  # BEGIN, lock, customer + lines + history, COMMIT
        response = shop.put("/api/v1/orders/by-number/DD141/", same, format="json")
    assert response.status_code == 200
    assert response.json() == shop.get(f"/api/v1/orders/{response.json()['id']}/").json()


def test_order_detail_data_equals_the_detail_serializer():
    from orders.api.serializers import OrderDetailSerializer, order_detail_data

    order = delivered_order()
    OrderStatusChange.objects.create(order=order, from_status="shipped", to_status="delivered", source="api")
    order = Order.objects.select_related("customer").prefetch_related("items", "status_changes").get(pk=order.pk)
    assert order_detail_data(order) == OrderDetailSerializer(order).data


def test_upsert_validation_answers_each_request_on_its_own(shop):
    """The validating serializer is reused per thread: errors and data of one request never leak into the next."""
    bad = {**ORDER, "status": "lost", "items": [{"sku": "A", "name": "x", "quantity": 0, "unit_price": "1"}]}
    first = shop.put("/api/v1/orders/by-number/DD130/", bad, format="json")
    assert first.status_code == 400 and set(first.json()) == {"status", "items"}
    good = shop.put("/api/v1/orders/by-number/DD130/", ORDER, format="json")
    assert good.status_code == 201 and good.json()["status"] == "paid"
    again = shop.put("/api/v1/orders/by-number/DD130/", {"total_amount": "-1"}, format="json")
    assert again.status_code == 400 and set(again.json()) == {"total_amount"}
    assert Order.objects.get(number="DD130").total_amount == 398
