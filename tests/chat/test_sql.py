"""A visitor's text message in one statement."""

import datetime as dt

import pytest
from django.utils import timezone

from chat import services, sql
from chat.models import ChatEvent, ChatMessage, ChatSession
from tests.factories import ChatWidgetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(team):
    return services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")


def test_insert_numbers_the_message_and_records_the_event(session, team, django_assert_num_queries):
    now = timezone.now()
    with django_assert_num_queries(1):
        seq, team_id, agent_id, message_id, event_id = sql.customer_message_insert(
            session_id=session.pk, token=session.token, body="你好", now=now)
    assert (seq, team_id, agent_id) == (1, team.pk, None)
    message = ChatMessage.objects.get(pk=message_id)
    assert (message.session_id, message.seq, message.sender, message.body, message.created_at) == (
        session.pk, 1, "customer", "你好", now)
    event = ChatEvent.objects.get(pk=event_id)
    assert (event.kind, event.message_id, event.team_id, event.agent_id, event.data) == ("message", message_id, team.pk,
                                                                                        None, {})
    session.refresh_from_db()
    assert (session.last_seq, session.customer_read_seq) == (1, 1)
    assert sql.customer_message_insert(session_id=session.pk, token=session.token, body="二",
                                            now=now + dt.timedelta(seconds=1))[0] == 2


def test_an_accepted_chat_routes_the_event_to_its_agent(session, agent):
    services.chat_accept(session=session, agent=agent)
    row = sql.customer_message_insert(session_id=session.pk, token=session.token, body="在吗", now=timezone.now())
    assert row[2] == agent.pk
    assert ChatEvent.objects.filter(pk=row[4]).values_list("team_id", "agent_id").get() == (None, agent.pk)


@pytest.mark.parametrize("case", ["wrong token", "no such session", "ended"])
def test_a_refused_message_writes_nothing(session, case):
    session_id, token = session.pk, session.token
    if case == "wrong token":
        token = "x" * 32
    elif case == "no such session":
        session_id = session.pk + 1000
    else:
        ChatSession.objects.filter(pk=session.pk).update(status=ChatSession.Status.ENDED)
    assert sql.customer_message_insert(session_id=session_id, token=token, body="hi", now=timezone.now()) is None
    assert not ChatMessage.objects.filter(sender="customer").exists()
    session.refresh_from_db()
    assert session.last_seq == 0
