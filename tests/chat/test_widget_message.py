"""The widget's message POST: an async Django view, served by ``helpdesk.asgi.application`` under a real uvicorn."""

import pytest
import requests

from chat import services
from chat.models import ChatEvent, ChatMessage
from tests.chat.test_stream import Stream, customer_url
from tests.chat_server import server  # noqa: F401 - fixture
from tests.factories import ChatWidgetFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout_sensitive]


def post(server, session, body, *, token=None, **kwargs):
    return requests.post(f"{server}/api/v1/chat/sessions/{session.pk}/messages/", timeout=10,
                         headers={"X-Chat-Token": session.token if token is None else token, **kwargs.pop("headers", {})},
                         **({"json": body} if "data" not in kwargs else {}), **kwargs)


def test_a_visitors_message_is_stored_once_published_and_answered_with_it(server, team):
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    stream = Stream(customer_url(server, session))
    stream.next("state")
    response = post(server, session, {"body": "在吗？<b>急</b>"})
    assert response.status_code == 201, response.text
    answer = response.json()
    assert (answer["seq"], answer["body"], answer["sender"]) == (1, "在吗？<b>急</b>", "customer")
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response.headers
    assert stream.next("message")["data"]["body"] == "在吗？<b>急</b>"
    assert list(ChatMessage.objects.filter(session=session).values_list("seq", "body")) == [(1, "在吗？<b>急</b>")]
    assert ChatEvent.objects.filter(session=session, kind=ChatEvent.Kind.MESSAGE).count() == 1
    stream.close()


@pytest.mark.parametrize(("body", "kwargs", "status", "field"), [
    ({"body": ""}, {}, 400, "body"),
    ({"body": "字" * 10_000}, {}, 400, "body"),
    ({"text": "hi"}, {}, 400, "body"),
    ({"body": 5}, {}, 400, "body"),
    (["body"], {}, 400, "body"),
    ({"body": "a\x00b"}, {}, 400, "body"),
    (None, {"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "detail"),
    (None, {"data": b"NaN", "headers": {"Content-Type": "application/json"}}, 400, "detail"),
    (None, {"data": {"body": "hi"}}, 415, "detail"),
    ({"body": "hi"}, {"token": "wrong"}, 404, "detail"),
])
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(server, team, body, kwargs, status, field):
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    response = post(server, session, body, **kwargs)
    assert response.status_code == status, response.text
    assert field in response.json()
    assert not ChatMessage.objects.filter(session=session).exists()


def test_an_ended_chat_refuses_new_messages(server, team, agent):
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    services.chat_end(session=session, actor=None)
    response = post(server, session, {"body": "还在吗"})
    assert response.status_code == 400 and "status" in response.json()
    assert requests.get(f"{server}/api/v1/chat/sessions/{session.pk}/messages/", timeout=10).status_code == 405


def test_messages_give_their_database_connection_back_to_the_pool(server, team):
    from django.db import connections

    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    pool = connections["default"].pool
    for n in range(pool.max_size + 5):
        assert post(server, session, {"body": f"第{n}条"}).status_code == 201
    # One request at a time: had any kept its connection, the pool would have grown to its limit and
    # the last requests would have waited for it (the answer can reach us just before the connection is back).
    stats = pool.get_stats()
    assert stats["pool_size"] <= 3
    assert stats.get("requests_waiting", 0) == 0
