"""Integration: real uvicorn, real Redis pub/sub, real SSE streams read over HTTP."""

import json
import queue
import threading
import time

import pytest
import redis
import requests
from django.conf import settings
from django.test import Client

from chat import services
from chat.events import hub_client_name
from tests.chat_server import server  # noqa: F401 - fixture
from tests.factories import ChatWidgetFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout_sensitive]


class Stream:
    """Read a Server-Sent Events stream in a thread; events land in a queue."""

    def __init__(self, url, headers=None, cookies=None):
        self.events = queue.Queue()
        self.commented = threading.Event()
        self.subscribed = threading.Event()  # the server sends ``retry:`` once its Redis subscription is open
        self.ended = threading.Event()
        self.response = requests.get(url, headers=headers or {}, cookies=cookies or {}, stream=True, timeout=30)
        assert self.response.status_code == 200
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = {}
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith(":"):
                    self.commented.set()
                elif line.startswith("retry:"):
                    self.subscribed.set()
                elif line == "":
                    if "data" in event:
                        self.events.put({"event": event.get("event", "message"), "id": event.get("id"),
                                         "data": json.loads(event["data"])})
                    event = {}
                else:
                    key, _sep, value = line.partition(": ")
                    event[key] = value
        except (requests.RequestException, AttributeError, ValueError):
            pass  # closed by the test
        finally:
            self.ended.set()

    def next(self, kind, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {kind} event"
            try:
                item = self.events.get(timeout=remaining)
            except queue.Empty:
                raise AssertionError(f"no {kind} event") from None
            if item["event"] == kind:
                return item

    def close(self):
        self.response.close()


def customer_url(server, session) -> str:
    """Return the visitor's stream URL with a fresh stream ticket, as the widget asks for one per connection."""
    return f"{server}/chat/stream/{session.pk}/?ticket={services.chat_stream_ticket_issue(session=session)}"


def login_cookies(user, settings) -> dict:
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def inbox_stream(server, user, settings) -> Stream:
    return Stream(f"{server}/chat/inbox/stream/", cookies=login_cookies(user, settings))


def test_customer_message_reaches_the_agent_inbox_and_the_reply_reaches_the_customer(server, team, agent, settings):
    settings.CHAT_SSE_HEARTBEAT_SECONDS = 0.5
    widget = ChatWidgetFactory(team=team)
    client = Client()
    client.force_login(agent)
    inbox = Stream(f"{server}/chat/inbox/stream/", cookies={settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value})
    assert inbox.subscribed.wait(10)
    session = services.chat_session_start(widget=widget, name="王小明", phone="13800138000")
    created = inbox.next("created")
    assert created["data"]["chat"]["id"] == session.pk and created["id"] == str(created["data"]["event_id"])

    customer = Stream(customer_url(server, session))
    assert customer.next("state")["data"]["status"] == "waiting"
    services.chat_message_post(session=session, sender="customer", body="<script>alert(1)</script>")
    message = inbox.next("message")
    assert message["data"]["message"]["body"] == "<script>alert(1)</script>"
    assert customer.next("message")["id"] == "1"

    services.chat_accept(session=session, agent=agent)
    assert inbox.next("accepted")["data"]["chat"]["agent"] == agent.pk
    assert customer.next("state")["data"]["agent_name"] == agent.display_name
    services.chat_message_post(session=session, sender="agent", actor=agent, body="您好")
    reply = customer.next("message")
    assert (reply["id"], reply["data"]["author_name"]) == ("2", agent.display_name)
    assert customer.commented.wait(10)  # heartbeat comments keep an idle stream open
    inbox.close()
    customer.close()


def test_reconnect_with_last_event_id_replays_what_was_missed(server, team):
    widget = ChatWidgetFactory(team=team)
    session = services.chat_session_start(widget=widget, name="王小明", phone="13800138000")
    for body in ("一", "二", "三"):
        services.chat_message_post(session=session, sender="customer", body=body)
    stream = Stream(customer_url(server, session), headers={"Last-Event-ID": "1"})
    replayed = [stream.next("message")["data"]["body"] for _ in range(2)]
    assert replayed == ["二", "三"]
    services.chat_message_post(session=session, sender="customer", body="四")
    live = stream.next("message")
    assert (live["id"], live["data"]["body"]) == ("4", "四")
    stream.close()


def test_lost_redis_subscription_ends_streams_and_reconnect_fetches_history(server, team):
    widget = ChatWidgetFactory(team=team)
    session = services.chat_session_start(widget=widget, name="王小明", phone="13800138000")
    stream = Stream(customer_url(server, session))
    stream.next("state")
    connection = redis.Redis.from_url(settings.REDIS_URL)
    killed = 0
    for client in connection.client_list():
        if client.get("name") == hub_client_name():
            killed += connection.client_kill_filter(_id=client["id"])
    assert killed >= 1
    assert stream.ended.wait(10), "the stream should end when its subscription is lost"
    services.chat_message_post(session=session, sender="customer", body="断线期间")
    again = Stream(customer_url(server, session), headers={"Last-Event-ID": "0"})
    assert again.next("message")["data"]["body"] == "断线期间"
    services.chat_message_post(session=session, sender="customer", body="恢复之后")
    assert again.next("message")["data"]["body"] == "恢复之后"
    again.close()


def test_stream_with_a_wrong_token_is_404(server, team):
    widget = ChatWidgetFactory(team=team)
    session = services.chat_session_start(widget=widget, name="王小明", phone="13800138000")
    assert requests.get(f"{server}/chat/stream/{session.pk}/?token=nope", timeout=5).status_code == 404


def test_agent_stream_needs_login(server):
    assert requests.get(f"{server}/chat/inbox/stream/", timeout=5).status_code == 401


def test_a_stream_ticket_opens_one_stream_and_the_visitor_token_opens_none(server, team):
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    url = customer_url(server, session)
    stream = Stream(url)
    stream.next("state")
    assert requests.get(url, timeout=5).status_code == 404  # spent
    assert requests.get(f"{server}/chat/stream/{session.pk}/?token={session.token}", timeout=5).status_code == 404
    other = services.chat_session_start(widget=session.widget, name="李雷", phone="13900139000")
    assert requests.get(customer_url(server, other).replace(f"/{other.pk}/", f"/{session.pk}/"), timeout=5).status_code == 404
    stream.close()


def test_an_agent_stream_ends_within_the_recheck_once_the_agent_is_deactivated(server, team, agent, settings):
    settings.CHAT_STREAM_RECHECK_SECONDS = 0.5
    settings.CHAT_SSE_HEARTBEAT_SECONDS = 10  # the recheck wakes the idle stream by itself
    cookies = login_cookies(agent, settings)
    inbox = Stream(f"{server}/chat/inbox/stream/", cookies=cookies)
    assert not inbox.ended.wait(1.5), "a stream whose agent still may chat stays open across rechecks"
    type(agent).objects.filter(pk=agent.pk).update(is_active=False)
    assert inbox.ended.wait(5), "the stream of a deactivated agent should end"
    assert requests.get(f"{server}/chat/inbox/stream/", timeout=5, cookies=cookies).status_code == 401  # no reconnect


def test_an_agent_stream_ends_once_the_agent_leaves_the_team(server, team, agent, settings):
    settings.CHAT_STREAM_RECHECK_SECONDS = 0.5
    inbox = inbox_stream(server, agent, settings)
    assert not inbox.ended.wait(1.2)
    team.members.remove(agent)
    assert inbox.ended.wait(5), "the stream should end when its agent's teams change"
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    assert session.team == team and inbox.events.empty()  # nothing of the old team after the stream ended


def test_streams_end_at_their_maximum_age_and_the_reconnect_replays(server, team, agent, settings):
    settings.CHAT_STREAM_MAX_SECONDS = 1
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    customer, inbox = Stream(customer_url(server, session)), inbox_stream(server, agent, settings)
    customer.next("state")
    assert customer.ended.wait(5) and inbox.ended.wait(5)
    services.chat_message_post(session=session, sender="customer", body="重连之后")
    again = Stream(customer_url(server, session) + "&last_event_id=0")
    assert again.next("message")["data"]["body"] == "重连之后"
    again.close()


def test_open_streams_hold_no_thread_each(server, team, agent, settings):
    """Streams open for hours: the server's threads do not grow with the number of open streams."""
    widget = ChatWidgetFactory(team=team)
    sessions = [services.chat_session_start(widget=widget, name=f"访客{n}", phone=f"1380013{n:04d}") for n in range(13)]
    first = Stream(customer_url(server, sessions[0]))
    first.next("state")
    before = len(threading.enumerate())
    streams = [Stream(customer_url(server, session)) for session in sessions[1:]]
    for stream in streams:
        stream.next("state")
    inbox = inbox_stream(server, agent, settings)  # open once its answer has started
    # Each Stream above reads in a thread of this process (the server's process too): leave those out.
    server_threads = len(threading.enumerate()) - before - len(streams) - 1
    assert server_threads <= 4, f"{server_threads} threads more for {len(streams) + 1} more open streams"
    for stream in (first, *streams, inbox):
        stream.close()


def test_the_workspace_stream_carries_the_changes_of_visible_tickets_once_and_nothing_else(server, team, other_team,
                                                                                           agent, settings):
    from helpdesk.roles import Role
    from tests.factories import CustomerFactory, UserFactory
    from tickets.services import ticket_assign, ticket_create

    outsider = UserFactory(username="t-outsider", role=Role.AGENT, teams=[other_team])
    mine = Stream(f"{server}/live/stream/", cookies=login_cookies(agent, settings))
    theirs = Stream(f"{server}/live/stream/", cookies=login_cookies(outsider, settings))
    assert mine.next("hello") and theirs.next("hello")
    ticket = ticket_create(actor=None, customer=CustomerFactory(), team=team, subject="包裹破损", channel="web")
    created = mine.next("live")["data"]
    assert (created["kind"], created["ticket"], created["team"]) == ("created", ticket.pk, team.pk)
    ticket_assign(ticket=ticket, actor=None, assignee=agent)
    assigned = mine.next("live")["data"]  # heard on the agent's and the team's channel, passed on once
    assert (assigned["kind"], assigned["to"]) == ("assigned", agent.pk)
    ticket_create(actor=None, customer=CustomerFactory(), team=other_team, subject="别的队", channel="web")
    theirs_event = theirs.next("live")["data"]
    assert theirs_event["team"] == other_team.pk
    time.sleep(0.5)
    assert mine.events.empty()  # nothing of the other team, and the assignment was not passed on twice
    mine.close()
    theirs.close()
