"""Redis stopped for half a minute while an agent and a customer work, then started again empty.

While it is down: logged-in pages answer (sessions are read from the database), rate-limited calls
answer (their counters are not kept meanwhile), replies and chat messages are saved and answered as saved (their tasks and events are logged as not sent, never a
500), /healthz says Redis is down, and the chat streams end and reconnect every two seconds, each
time replaying from the database. Once it is back: the streams stay open and carry messages live
again, the worker and beat carry on by themselves, and the sweeper sends every reply once.
"""

import time
from collections import Counter
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from channels.models import TicketEmail
from chat.models import ChatMessage
from tests.factories import ChatWidgetFactory, CustomerFactory, TicketFactory
from tests.factories.helpdesk import PASSWORD
from tests.faults.conftest import EventSource, form_post, login
from tests.waiting import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
OUTAGE_SECONDS = 30
REPLIES_DURING_OUTAGE = 3
STAYS_OPEN = 3  # seconds: longer than a stream that cannot subscribe lasts (it replays and ends at once)


def health(base_url: str) -> tuple[int, dict]:
    answer = requests.get(f"{base_url}/healthz", timeout=10)
    return answer.status_code, answer.json()


class Desk:
    """An agent in the browser and a customer in the chat widget, counting every answer they get."""

    def __init__(self, base_url: str, *, agent, ticket, widget):
        self.base, self.ticket = base_url, ticket
        self.answers: Counter = Counter()
        self.pages = ["/inbox/", f"/tickets/{ticket.pk}/", "/customers/", "/chat/inbox/"]
        self.browser = login(base_url, agent.username, PASSWORD)
        self.customer = requests.Session()
        started = self.customer.post(f"{base_url}/api/v1/chat/sessions/", timeout=15,
                                     json={"shop": widget.key, "name": "王小明", "phone": "13800138000"})
        assert started.status_code == 201, started.text
        self.chat, self.chat_shop = started.json(), widget.key

    def stream_url(self) -> str:
        """Return the customer's stream URL with a new stream ticket, as the widget asks for one on every connection."""
        answer = self.customer.post(f"{self.base}/api/v1/chat/sessions/{self.chat['session']}/stream/",
                                    headers={"X-Chat-Token": self.chat["token"]}, timeout=15)
        if answer.status_code != 201:  # the stream tries again after its retry delay, as the widget does
            self.answers["stream ticket", answer.status_code] += 1
            raise requests.HTTPError(f"stream ticket answered {answer.status_code}", response=answer)
        return self.base + answer.json()["stream"]

    def work(self, *, reply: bool) -> None:
        """What they do in a second: the agent reads four pages and may reply by e-mail; the customer writes."""
        for page in self.pages:
            self.answers["page", self.browser.get(f"{self.base}{page}", timeout=15).status_code] += 1
        if reply:
            sent = form_post(self.browser, f"{self.base}/tickets/{self.ticket.pk}/reply/",
                             {"body": f"您好，第 {self.answers['reply', 302] + 1} 次回复。", "confirm_language": "True"})
            self.answers["reply", sent.status_code] += 1
        posted = self.customer.post(f"{self.base}/api/v1/chat/sessions/{self.chat['session']}/messages/",
                                    json={"body": f"第 {self.answers['chat', 201] + 1} 条消息"},
                                    headers={"X-Chat-Token": self.chat["token"]}, timeout=15)
        self.answers["chat", posted.status_code] += 1

    def throttled(self, agent) -> None:
        """Calls whose rate limits count in Redis: an API token for the agent, a new chat for another customer."""
        token = requests.post(f"{self.base}/api/v1/auth/token/", json={"username": agent.username, "password": PASSWORD},
                              timeout=15)
        self.answers["token", token.status_code] += 1
        started = requests.post(f"{self.base}/api/v1/chat/sessions/", timeout=15,
                                json={"shop": self.chat_shop, "name": "李雷", "phone": "13900139000"})
        self.answers["chat start", started.status_code] += 1


def test_redis_down_costs_no_page_no_write_and_no_message(stack, agent, team):
    base = stack.base_url
    ticket = TicketFactory(team=team, channel="email", customer=CustomerFactory(email="wang.fang@example.com"))
    widget = ChatWidgetFactory(team=team)
    stack.web()
    stack.worker()
    stack.beat()
    wait_for(lambda: health(base)[0] == 200, timeout=60, what="/healthz 200 with the worker's first heartbeat")
    desk = Desk(base, agent=agent, ticket=ticket, widget=widget)
    customer_stream = EventSource(desk.stream_url)
    agent_stream = EventSource(f"{base}/chat/inbox/stream/", cookies=desk.browser.cookies.get_dict())
    wait_for(lambda: customer_stream.open_connection and agent_stream.open_connection, timeout=20,
             what="both chat streams open")
    desk.work(reply=True)
    replies = TicketEmail.objects.filter(ticket=ticket, purpose=TicketEmail.Purpose.REPLY)
    wait_for(lambda: replies.filter(status="sent").exists(), timeout=30, what="the first reply sent")
    wait_for(lambda: agent_stream.of_kind("message"), timeout=20, what="the first message on the agent's stream")

    stack.redis.stop()
    stopped_at = time.monotonic()
    down_health, rounds = [], 0
    while time.monotonic() - stopped_at < OUTAGE_SECONDS:
        desk.work(reply=desk.answers["reply", 302] < 1 + REPLIES_DURING_OUTAGE)
        if not rounds:
            desk.throttled(agent)
        down_health.append(health(base))
        rounds += 1
        time.sleep(1)  # an agent's pace, not a wait for something
    stack.redis.start()
    restarted_at = time.monotonic()

    # The streams come back by themselves: a connection opened after the restart stays open (one that could not
    # subscribe ends as soon as it has replayed) and carries what is posted next.
    for stream, name in ((customer_stream, "customer's"), (agent_stream, "agent's")):
        wait_for(lambda: stream.open_connection and restarted_at < stream.opened_at < time.monotonic() - STAYS_OPEN,
                 timeout=90, what=f"the {name} stream open again (connections {stream.connections}, refused "
                                  f"{dict(stream.refused)}, reader alive {stream.thread.is_alive()}, answers {dict(desk.answers)})")
    live_customer, live_agent = customer_stream.open_connection, agent_stream.open_connection
    desk.work(reply=False)
    last_seq = ChatMessage.objects.filter(session_id=desk.chat["session"]).order_by("-seq").values_list("seq", flat=True)[0]
    wait_for(lambda: any(e["data"]["seq"] == last_seq and e["connection"] == live_customer
                         for e in customer_stream.of_kind("message")), timeout=20,
             what="a message after the restart arriving live on the customer's open stream")
    wait_for(lambda: any(e["data"]["message"]["seq"] == last_seq and e["connection"] == live_agent
                         for e in agent_stream.of_kind("message")), timeout=20,
             what="a message after the restart arriving live on the agent's open stream")
    wait_for(lambda: health(base)[1]["checks"]["redis"]["ok"], timeout=20, what="/healthz seeing Redis again")

    # The replies saved while Redis was down are queued; past the grace period the sweeper sends them.
    replies.filter(status="queued").update(created_at=timezone.now() - timedelta(minutes=10))
    stack.send_as_beat("tickets.ticket_email_sweep_queued")
    wait_for(lambda: replies.count() == replies.filter(status="sent").count(), timeout=60,
             what="every reply sent by the worker that lived through the outage")
    customer_stream.close()
    agent_stream.close()

    answers = desk.answers
    server_errors = sum(n for (_kind, status), n in answers.items() if status >= 500)
    mails = stack.sink.message_ids()
    reply_ids = list(replies.values_list("message_id", flat=True))
    replies_lost = sum(1 for message_id in reply_ids if not mails[message_id])
    replies_twice = sum(mails[message_id] - 1 for message_id in reply_ids if mails[message_id] > 1)
    stored = set(ChatMessage.objects.filter(session_id=desk.chat["session"], sender="customer")
                 .values_list("seq", flat=True))
    customer_seen = Counter(e["data"]["seq"] for e in customer_stream.of_kind("message"))
    agent_seen = Counter(e["data"]["message"]["seq"] for e in agent_stream.of_kind("message"))
    chat_lost = (answers["chat", 201] - len(stored)) + len(stored - set(customer_seen)) + len(stored - set(agent_seen))
    chat_twice = sum(n - 1 for n in customer_seen.values() if n > 1) + sum(n - 1 for n in agent_seen.values() if n > 1)
    print(f"redis down {OUTAGE_SECONDS} s, {rounds} rounds of work: answers {dict(answers)}; 5xx {server_errors}; "
          f"replies {len(reply_ids)} lost {replies_lost} twice {replies_twice}; chat messages {len(stored)} lost "
          f"{chat_lost} twice {chat_twice}; stream connections: customer {customer_stream.connections}, "
          f"agent {agent_stream.connections}")
    assert server_errors == 0, answers
    assert len(reply_ids) == 1 + REPLIES_DURING_OUTAGE
    assert answers["page", 200] == len(desk.pages) * (rounds + 2)
    assert (answers["token", 200], answers["chat start", 201]) == (1, 1)
    assert answers["reply", 302] == 1 + REPLIES_DURING_OUTAGE and answers["chat", 201] == rounds + 2
    assert down_health and all(status == 503 and "redis" in body["down"] for status, body in down_health)
    assert (replies_lost, replies_twice) == (0, 0), mails
    assert (chat_lost, chat_twice) == (0, 0), (stored, customer_seen, agent_seen)
