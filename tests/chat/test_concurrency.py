"""Two agents accepting the same chat at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connections

from chat import services
from chat.models import ChatEvent, ChatSession
from helpdesk.roles import Role
from tests.factories import ChatWidgetFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_racing_accepts_have_one_winner(team):
    agents = [UserFactory(username=f"t-racer-{i}", role=Role.AGENT, teams=[team]) for i in range(2)]
    results = []
    for round_number in range(5):
        session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="客", phone=f"1390000000{round_number}")
        barrier = threading.Barrier(2)
        outcome = {}

        def accept(agent):
            barrier.wait()
            try:
                services.chat_accept(session=session, agent=agent)
                outcome[agent.pk] = "won"
            except services.ChatConflict:
                outcome[agent.pk] = "409"
            finally:
                connections.close_all()

        threads = [threading.Thread(target=accept, args=(agent,)) for agent in agents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        results.append(sorted(outcome.values()))
        assert ChatEvent.objects.filter(session=session, kind=ChatEvent.Kind.ACCEPTED).count() == 1
        assert ChatSession.objects.get(pk=session.pk).agent_id in {agent.pk for agent in agents}
    assert results == [["409", "won"]] * 5
