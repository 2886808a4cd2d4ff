"""Every database connection of the web process killed (pg_terminate_backend, as a failover or a DBA does).

The next request on each connection must succeed: a connection is checked before it is used
(CONN_HEALTH_CHECKS, and the pool's check before it hands one out), and a dead one is replaced. A
customer's chat message answered with an error is a message lost, so every POST must be stored.
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from chat.models import ChatMessage
from tests.factories import ChatWidgetFactory, TicketFactory
from tests.factories.helpdesk import PASSWORD
from tests.faults.conftest import APPLICATION_NAME, login
from tests.waiting import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
# Requests at once: more than the web process keeps database connections, so every one of them is used.
CONCURRENT = 24


def web_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
                       [f"{APPLICATION_NAME}-web"])
        return [pid for (pid,) in cursor.fetchall()]


def terminate(pids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid) AS killed",
                       [pids])
        return cursor.fetchone()[0]


def test_killed_database_connections_cost_no_request_and_no_chat_message(stack, agent, team):
    base = stack.base_url
    ticket = TicketFactory(team=team)
    widget = ChatWidgetFactory(team=team)
    stack.web()
    cookies = login(base, agent.username, PASSWORD).cookies.get_dict()
    started = requests.post(f"{base}/api/v1/chat/sessions/", json={"shop": widget.key, "name": "王小明",
                                                                   "phone": "13800138000"}, timeout=15)
    assert started.status_code == 201, started.text
    chat = started.json()
    answers: Counter = Counter()
    bodies: list[str] = []

    def chat_post(number: int) -> None:
        body = f"第 {number} 条消息"
        bodies.append(body)
        answer = requests.post(f"{base}/api/v1/chat/sessions/{chat['session']}/messages/", json={"body": body},
                               headers={"X-Chat-Token": chat["token"]}, timeout=30)
        answers["chat", answer.status_code] += 1

    def page(path: str) -> None:
        answers["page", requests.get(f"{base}{path}", cookies=cookies, timeout=30).status_code] += 1

    def burst(first: int) -> None:
        """Half chat messages, half logged-in pages, all at once."""
        with ThreadPoolExecutor(CONCURRENT) as pool:
            for n in range(CONCURRENT // 2):
                pool.submit(chat_post, first + n)
                pool.submit(page, ("/inbox/", f"/tickets/{ticket.pk}/", "/chat/inbox/")[n % 3])

    burst(1)  # the web process opens (and keeps, or pools) its connections
    before = answers.copy()
    pids = wait_for(web_backends, timeout=10, what="the web process's database connections")
    killed = terminate(pids)
    wait_for(lambda: not set(pids) & set(web_backends()), timeout=10, what="the killed backends gone")
    answers.clear()
    burst(1 + CONCURRENT // 2)
    for n in range(3):  # and one request after another, on whichever connection comes next
        chat_post(1 + CONCURRENT + n)
        page("/inbox/")

    stored = set(ChatMessage.objects.filter(session_id=chat["session"]).values_list("body", flat=True))
    lost = [body for body in bodies if body not in stored]
    failed = sum(n for (kind, status), n in answers.items() if status not in (200, 201))
    print(f"database connections killed: {killed} of the web process; before {dict(before)}, after {dict(answers)}; "
          f"failed requests after the kill {failed}; chat messages {len(bodies)} lost {len(lost)}")
    assert killed >= 1
    assert all(status in (200, 201) for (_kind, status) in before), before
    assert failed == 0, answers
    assert lost == [], lost
