import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from orders.models import Order, ReturnRequest
from orders.services import return_request_create
from tests.factories import UserFactory
from tests.factories.orders import delivered_order

@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_and_cancel_one_wins_the_other_gets_409(back_office_calendar):
    agent = UserFactory(username="race-agent", role="Agent")
    order = delivered_order()
    ret = return_request_create(order=order, kind="return", reason="no_reason", items=[(order.items.first().pk, 1)])
    ReturnRequest.objects.filter(pk=ret.pk).update(status=ReturnRequest.Status.CONFIRMED)
    barrier = threading.Barrier(2)
    codes = {}

    def call(action):
        client = APIClient()
        client.force_authenticate(agent)
        barrier.wait()
        try:
            codes[action] = client.post(f"/api/v1/returns/{ret.pk}/{action}/", {"expected_status": "confirmed"},
                                         format="json").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(action,)) for action in ("approve", "cancel")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes.values()) == [200, 409]
    final = ReturnRequest.objects.get(pk=ret.pk).status
    winner = "approve" if codes["approve"] == 200 else "cancel"
    assert final == {"approve": "approved", "cancel": "cancelled"}[winner]
    assert ReturnRequest.objects.get(pk=ret.pk).events.filter(kind="status", to_status=final).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_cannot_return_more_than_was_bought():
    order = delivered_order(lines=((1, "50.00"),))
    line = order.items.first().pk
    barrier = threading.Barrier(2)
    outcomes = []

    def apply():
        barrier.wait()
        try:
            return_request_create(order=order, kind="return", reason="no_reason", items=[(line, 1)])
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the test records which one lost
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ValidationError", "ok"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_and_cancel_without_expected_status_one_gets_409(back_office_calendar):
    from orders import services, workflow

    agent = UserFactory(username="race-agent-2", role="Supervisor")
    order = delivered_order()
    ret = return_request_create(order=order, kind="return", reason="no_reason", items=[(order.items.first().pk, 1)])
    ReturnRequest.objects.filter(pk=ret.pk).update(status=ReturnRequest.Status.CONFIRMED)
    barrier = threading.Barrier(2)
    outcomes = {}

    def call(action):
        seen = ReturnRequest.objects.get(pk=ret.pk)  # both read "confirmed", as two requests would
        barrier.wait()
        try:
            if action == "approve":
                services.return_request_approve(return_request=seen, actor=agent)
            else:
                services.return_request_cancel(return_request=seen, actor=agent, reason="不要了")
            outcomes[action] = "ok"
        except workflow.TransitionError:
            outcomes[action] = "409"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(action,)) for action in ("approve", "cancel")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["409", "ok"]
    final = ReturnRequest.objects.get(pk=ret.pk).status
    assert final == ("approved" if outcomes["approve"] == "ok" else "cancelled")


@pytest.mark.django_db
def test_a_step_on_a_request_read_before_it_moved_on_is_a_409(back_office_calendar):
    from orders import services, workflow

    agent = UserFactory(username="stale-agent", role="Supervisor")
    order = delivered_order()
    ret = return_request_create(order=order, kind="return", reason="no_reason", items=[(order.items.first().pk, 1)])
    services.return_request_confirm(return_request_id=ret.pk)
    stale = ReturnRequest.objects.get(pk=ret.pk)
    services.return_request_approve(return_request=ret, actor=agent)  # read as submitted, confirmed since: still fine
    with pytest.raises(workflow.TransitionError):
        services.return_request_cancel(return_request=stale, actor=agent)


@pytest.mark.django_db(transaction=True)
def test_concurrent_upserts_of_one_order_add_a_new_line_once_and_record_both_changes():
    """Each upsert reads the lines and history after it holds the order's lock, so the second sees the first's."""
    from orders import shop_sync

    base = {"customer": {"name": "王芳", "phone": "13911112299"}, "status": "paid", "placed_at": "2026-11-20T10:00:00+08:00",
            "items": [{"sku": "A", "name": "杯", "quantity": 1, "unit_price": "10.00"}]}
    shop_sync.order_upsert(number="RACE1", data=shop_sync_data(base, "2026-11-20T10:00:00+08:00"), source="api")
    both = [*base["items"], {"sku": "B", "name": "壶", "quantity": 1, "unit_price": "20.00"}]
    barrier = threading.Barrier(2)
    answers = []

    def upsert(status, updated_at, times):
        barrier.wait()
        try:
            upsert = shop_sync.order_upsert(
                number="RACE1", data=shop_sync_data({**base, "status": status, "items": both, **times}, updated_at), source="api")
            answers.append(upsert.changed)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upsert, args=args)
               for args in (("shipped", "2026-11-21T10:00:00+08:00", {"shipped_at": "2026-11-21T09:00:00+08:00"}),
                            ("delivered", "2026-11-22T10:00:00+08:00", {"shipped_at": "2026-11-21T09:00:00+08:00",
                                                                         "delivered_at": "2026-11-22T09:00:00+08:00"}))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    order = Order.objects.get(number="RACE1")
    assert sorted(order.items.values_list("sku", flat=True)) == ["A", "B"]
    history = list(order.status_changes.order_by("changed_at", "id").values_list("to_status", flat=True))
    assert history[0] == "paid" and sorted(history[1:]) in (["delivered", "shipped"], ["delivered"])
    assert order.status == history[-1]


def shop_sync_data(body: dict, updated_at: str) -> dict:
    """Return the upsert input as the API's serializer validates it."""
    from orders.api.serializers import OrderUpsertSerializer

    serializer = OrderUpsertSerializer(data={**body, "updated_at": updated_at})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
