import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from orders.models import ReturnRequest
from orders.services import return_request_create
from tests.factories import UserFactory
from tests.factories.orders import delivered_order

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@needs_postgres
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


@needs_postgres
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
