"""The widget's message POST under uvicorn: the event-loop fast path and everything it leaves to Django."""

import json

import pytest
import requests
from django.core.exceptions import ValidationError
from django.core.signals import request_started
from django.db import transaction
from django.http import Http404
from django.test import Client

from tests.chat_server import server  # noqa: F401 - fixture
from tests.factories import ChatWidgetFactory
from tests.tickets.test_chat_stream import Stream
from tickets import chat, chat_widget_post
from tickets.chat_events import agent_channel, session_channel, team_channel
from tickets.chat_models import ChatEvent, ChatMessage, ChatSession
from tickets.chat_selectors import chat_message_payload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout_sensitive]


@pytest.fixture
def django_requests():
    """Collect the paths of the requests that went through Django (the fast path sends no request_started)."""
    seen = []

    def receiver(sender, scope=None, environ=None, **kwargs):
        seen.append((scope or {}).get("path") or (environ or {}).get("PATH_INFO"))

    request_started.connect(receiver, dispatch_uid="test-chat-widget-post")
    yield seen
    request_started.disconnect(dispatch_uid="test-chat-widget-post")


def _post(server, session, body, *, token=None, headers=None, **kwargs):
    return requests.post(f"{server}/api/v1/chat/sessions/{session.pk}/messages/", timeout=10,
                         headers={"X-Chat-Token": session.token if token is None else token, **(headers or {})},
                         **({"json": body} if not kwargs else kwargs))


def test_widget_message_is_stored_then_published_and_answered_like_the_api(server, team, agent, settings, django_requests):
    widget = ChatWidgetFactory(team=team)
    client = Client()
    client.force_login(agent)
    inbox = Stream(f"{server}/chat/inbox/stream/", cookies={settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value})
    session = chat.chat_session_start(widget=widget, name="王小明", phone="13800138000")
    inbox.next("created")
    customer = Stream(f"{server}/chat/stream/{session.pk}/?token={session.token}")
    customer.next("state")
    django_requests.clear()

    response = _post(server, session, {"body": "<script>alert(1)</script> 在吗", "extra": "ignored"},
                     headers={"Accept-Language": "en"})

    assert response.status_code == 201, response.text
    assert django_requests == []  # answered from the event loop
    message = ChatMessage.objects.get(session=session)
    assert response.json() == json.loads(json.dumps(chat_message_payload(message)))
    assert (message.seq, message.sender, message.body) == (1, "customer", "<script>alert(1)</script> 在吗")
    session.refresh_from_db()
    assert (session.last_seq, session.customer_read_seq) == (1, 1)
    assert ChatEvent.objects.filter(session=session, kind="message", message=message, team_id=team.pk).count() == 1
    # The request-independent middleware ran: security headers, language, length.
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Language"] == "en"
    assert "Accept-Language" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.content)

    delivered = customer.next("message")
    assert (delivered["id"], delivered["data"]["body"]) == ("1", message.body)
    event = inbox.next("message")
    assert event["data"]["message"]["id"] == message.pk and event["id"] == str(event["data"]["event_id"])

    second = _post(server, session, {"body": "第二条"})
    assert second.json()["seq"] == 2 and customer.next("message")["id"] == "2"
    inbox.close()
    customer.close()


def test_everything_but_a_stored_message_is_left_to_django(server, team, django_requests):
    session = chat.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    path = f"/api/v1/chat/sessions/{session.pk}/messages/"
    cases = [
        (_post(server, session, {"body": "hi"}, token="wrong"), 404),
        (_post(server, session, {"body": "字" * 10_000}), 400),
        (_post(server, session, {"body": "  "}), 400),
        (_post(server, session, {"body": ["list"]}), 400),
        (_post(server, session, {"body": "a\x00b"}), 400),
        (_post(server, session, None, data=b'{"body": "x", "n": NaN}', headers={"Content-Type": "application/json"}), 400),
        (_post(server, session, None, data=b'{"body": ', headers={"Content-Type": "application/json"}), 400),
        (_post(server, session, None, data='{"body": "x"}'.encode("utf-16"), headers={"Content-Type": "application/json"}), 400),
        (_post(server, session, None, data={"body": "表单"}), 201),
        (_post(server, session, {"body": "hi"}, headers={"Host": "evil.example.com"}), 400),
    ]
    assert [response.status_code for response, _expected in cases] == [expected for _response, expected in cases]
    assert cases[0][0].json() == {"detail": cases[0][0].json()["detail"]}  # DRF's 404
    assert str(chat.MAX_MESSAGE_CHARS) in cases[1][0].json()["body"][0]
    assert django_requests.count(path) == len(cases)
    assert list(ChatMessage.objects.filter(session=session).values_list("seq", "body")) == [(1, "表单")]

    ChatSession.objects.filter(pk=session.pk).update(status=ChatSession.Status.ENDED)
    ended = _post(server, session, {"body": "还在吗"})
    assert ended.status_code == 400 and "status" in ended.json()
    assert ChatMessage.objects.filter(session=session).count() == 1


def test_fast_path_is_off_when_middleware_has_one_it_does_not_know(settings):
    chat_widget_post._inline_middleware.cache_clear()
    try:
        assert len(chat_widget_post._inline_middleware()) == 5
        chat_widget_post._inline_middleware.cache_clear()
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.somewhere.AuditMiddleware"]
        assert chat_widget_post._inline_middleware() is None
        scope = {"type": "http", "method": "POST", "path": "/api/v1/chat/sessions/1/messages/",
                 "headers": [(b"content-type", b"application/json"), (b"content-length", b"10")]}
        assert chat_widget_post._handled(scope) is None
    finally:
        chat_widget_post._inline_middleware.cache_clear()


def test_customer_message_store_is_one_statement_and_checks_the_token(team, django_assert_num_queries):
    session = chat.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    with pytest.raises(Http404):
        chat.chat_customer_message_store(session_id=session.pk, token="wrong", body="hi")
    with django_assert_num_queries(1):  # token check, lock, number, message, event: one atomic statement
        message, publishes = chat.chat_customer_message_store(session_id=session.pk, token=session.token, body=" 你好 ")
    assert (message.seq, message.body) == (1, "你好")
    stored = ChatMessage.objects.get(pk=message.pk)
    assert (stored.seq, stored.body, stored.sender, stored.created_at) == (1, "你好", "customer", message.created_at)
    session.refresh_from_db()
    assert (session.last_seq, session.customer_read_seq) == (1, 1)
    assert [channel for channel, _payload in publishes] == [session_channel(session.pk), team_channel(team.pk)]
    event = ChatEvent.objects.get(message=stored)
    assert (event.kind, event.team_id, event.agent_id, event.session_id) == ("message", team.pk, None, session.pk)
    assert publishes[1][1]["event_id"] == event.pk and publishes[1][1]["message"]["id"] == stored.pk

    ChatSession.objects.filter(pk=session.pk).update(status=ChatSession.Status.ENDED)
    with pytest.raises(ValidationError):
        chat.chat_customer_message_store(session_id=session.pk, token=session.token, body="还在吗")
    assert ChatMessage.objects.filter(session=session).count() == 1


def test_the_one_statement_and_the_orm_path_store_and_publish_the_same(team, agent):
    session = chat.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    chat.chat_accept(session=session, agent=agent)
    fast, fast_publishes = chat.chat_customer_message_store(session_id=session.pk, token=session.token, body="一")
    with transaction.atomic():  # inside a transaction the ORM path is taken
        orm, orm_publishes = chat.chat_customer_message_store(session_id=session.pk, token=session.token, body="二")
    assert (fast.seq, orm.seq) == (1, 2)

    def shape(publishes):
        return [(channel, {key: value for key, value in payload.items() if key not in ("event_id", "id", "seq", "body", "created_at", "message")})
                for channel, payload in publishes]

    assert shape(fast_publishes) == shape(orm_publishes)
    assert [channel for channel, _payload in fast_publishes] == [session_channel(session.pk), agent_channel(agent.pk)]
    events = ChatEvent.objects.filter(kind="message", session=session).order_by("id")
    assert [(e.team_id, e.agent_id, e.message.seq) for e in events] == [(None, agent.pk, 1), (None, agent.pk, 2)]
