"""The shop sync's statements: lock, related read, write, webhook delivery record."""

import pytest
from django.db import transaction

from orders import upsert_sql
from orders.models import Order, OrderStatusChange, WebhookDelivery
from tests.factories.orders import delivered_order

pytestmark = pytest.mark.django_db


def test_lock_returns_the_order_or_none():
    order = delivered_order()
    with transaction.atomic():
        locked = upsert_sql.order_lock(order.number)
        assert locked.pk == order.pk and locked.status == order.status and locked.customer_id == order.customer_id
        assert upsert_sql.order_lock("NO-SUCH-ORDER") is None


def test_related_load_reads_customer_lines_and_history_in_one_statement(django_assert_num_queries):
    order = delivered_order(lines=((1, "10.00"), (2, "5.50")))
    OrderStatusChange.objects.create(order=order, from_status="shipped", to_status="delivered", source="api")
    order = Order.objects.get(pk=order.pk)
    with django_assert_num_queries(1):
        related = upsert_sql.order_related_load(order)
    assert related.customer_name == order.customer.name
    assert [(item.quantity, str(item.unit_price)) for item in related.items] == [(1, "10.00"), (2, "5.50")]
    assert [item.pk for item in related.items] == list(order.items.order_by("pk").values_list("pk", flat=True))
    assert [(change.to_status, change.changed_at) for change in related.history] == list(
        order.status_changes.values_list("to_status", "changed_at"))


def test_related_load_of_an_order_without_lines_or_history():
    order = Order.objects.get(pk=delivered_order(lines=()).pk)
    related = upsert_sql.order_related_load(order)
    assert related.items == [] and related.history == [] and related.customer_name == order.customer.name


def test_write_saves_the_fields_and_the_status_change_in_one_statement(django_assert_num_queries):
    order = delivered_order()
    before = Order.objects.get(pk=order.pk).updated_at
    order.status, order.tracking_number = Order.Status.COMPLETED, "SF1"
    change = OrderStatusChange(order=order, from_status="delivered", to_status="completed", source="api")
    with django_assert_num_queries(1):
        upsert_sql.order_write(order, ["status", "tracking_number"], change)
    stored = Order.objects.get(pk=order.pk)
    assert (stored.status, stored.tracking_number) == ("completed", "SF1") and stored.updated_at >= before
    assert OrderStatusChange.objects.get(pk=change.pk).changed_at == stored.updated_at


def test_write_without_a_status_change_adds_no_history():
    order = delivered_order()
    order.carrier = "顺丰"
    upsert_sql.order_write(order, ["carrier"], None)
    assert Order.objects.get(pk=order.pk).carrier == "顺丰" and not OrderStatusChange.objects.exists()


def test_webhook_delivery_is_recorded_once():
    assert upsert_sql.webhook_delivery_insert(event_id="evt-9", topic="order.updated", number="DD1") is True
    assert upsert_sql.webhook_delivery_insert(event_id="evt-9", topic="order.updated", number="DD1") is False
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_id, delivery.topic, delivery.order_number) == ("evt-9", "order.updated", "DD1")
