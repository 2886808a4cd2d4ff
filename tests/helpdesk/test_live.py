"""Live workspace updates: what is published, to whom, and only once the change commits (the embedded Redis)."""

import json
import time

import pytest
import redis
from django.conf import settings
from django.db import transaction

from helpdesk import live
from helpdesk.roles import Role
from sla.models import Notification
from sla.services import notification_send
from tests.factories import CustomerFactory, TeamFactory, TicketFactory, UserFactory
from tickets import services
from tickets.models import Ticket, TicketMessage
from tickets.selectors import ticket_live_channels

pytestmark = pytest.mark.django_db(transaction=True)


class Listener:
    """Subscribe to channels of the embedded Redis and collect what arrives on each."""

    def __init__(self, *channels):
        self.client = redis.Redis.from_url(settings.REDIS_URL)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(*channels)
        self.pubsub.get_message(timeout=1)  # the subscription is confirmed before the test writes

    def received(self, wait: float = 0.5) -> list[tuple[str, dict]]:
        got, deadline = [], time.monotonic() + wait
        while time.monotonic() < deadline:
            message = self.pubsub.get_message(timeout=0.05)
            if message and message["type"] == "message":
                got.append((message["channel"].decode(), json.loads(message["data"])))
        return got

    def close(self):
        self.pubsub.close()
        self.client.close()


@pytest.fixture
def listen():
    listeners = []

    def make(*channels):
        listener = Listener(*channels)
        listeners.append(listener)
        return listener

    yield make
    for listener in listeners:
        listener.close()


def test_a_new_ticket_is_published_after_commit_to_its_team_the_managers_and_its_assignee(team, other_team, agent, listen):
    listener = listen(live.team_channel(team.pk), live.team_channel(other_team.pk), live.all_channel(),
                      live.user_channel(agent.pk))
    with transaction.atomic():
        ticket = services.ticket_create(actor=None, customer=CustomerFactory(), team=team, subject="包裹破损",
                                        assignee=agent, channel=Ticket.Channel.WEB)
        assert listener.received(wait=0.3) == []  # nothing before the commit
    got = listener.received()
    channels = [channel for channel, _payload in got]
    assert sorted(channels) == sorted([live.user_channel(agent.pk), live.team_channel(team.pk), live.all_channel()])
    assert channels[0] == live.user_channel(agent.pk)  # the addressed copy first: a stream keeps the first it hears
    payloads = dict(got)
    assert payloads[live.user_channel(agent.pk)] == {**payloads[live.team_channel(team.pk)], "to": agent.pk}
    assert payloads[live.team_channel(team.pk)]["kind"] == live.CREATED
    assert payloads[live.team_channel(team.pk)]["ticket"] == ticket.pk
    assert len({payload["id"] for payload in payloads.values()}) == 1


def test_nothing_is_published_when_the_transaction_rolls_back(team, listen):
    listener = listen(live.team_channel(team.pk), live.all_channel())
    with pytest.raises(RuntimeError), transaction.atomic():
        services.ticket_create(actor=None, customer=CustomerFactory(), team=team, subject="回滚", channel=Ticket.Channel.WEB)
        raise RuntimeError("roll back")
    assert listener.received() == []
    assert not Ticket.objects.filter(subject="回滚").exists()


def test_payloads_carry_ids_and_kinds_not_what_the_customer_wrote(team, agent, listen):
    ticket = TicketFactory(team=team, assignee=agent, status=Ticket.Status.OPEN, subject="王小明 13800138000")
    listener = listen(live.team_channel(team.pk), live.user_channel(agent.pk))
    services.ticket_message_add(ticket=ticket, actor=None, body="我的电话是 13800138000", sender=TicketMessage.Sender.CUSTOMER)
    got = listener.received()
    assert got and "13800138000" not in json.dumps(got, ensure_ascii=False)
    assert "王小明" not in json.dumps(got, ensure_ascii=False)
    addressed = dict(got)[live.user_channel(agent.pk)]
    assert (addressed["kind"], addressed["to"], addressed["ticket"]) == (live.MESSAGE, agent.pk, ticket.pk)


def test_an_agent_assigning_themselves_is_not_told_it_is_for_them(team, agent, listen):
    ticket = TicketFactory(team=team)
    listener = listen(live.user_channel(agent.pk))
    services.ticket_claim(ticket=ticket, actor=agent)
    [(_channel, payload)] = listener.received()
    assert payload["kind"] == live.ASSIGNED and "to" not in payload and payload["actor"] == agent.pk


def test_a_ticket_handed_to_another_team_tells_the_old_team_only_that_its_queue_changed(team, other_team, listen):
    ticket = TicketFactory(team=team)
    actor = UserFactory(username="live-manager", role=Role.MANAGER)
    listener = listen(live.team_channel(team.pk), live.team_channel(other_team.pk))
    services.ticket_transfer(ticket=ticket, actor=actor, team=other_team)
    got = dict(listener.received())
    assert got[live.team_channel(team.pk)] == {"id": got[live.team_channel(team.pk)]["id"], "kind": live.QUEUE, "team": team.pk}
    assert got[live.team_channel(other_team.pk)]["ticket"] == ticket.pk


def test_a_notification_goes_to_its_recipient_only(team, agent, supervisor, listen):
    ticket = TicketFactory(team=team, assignee=agent)
    listener = listen(live.user_channel(supervisor.pk), live.user_channel(agent.pk), live.team_channel(team.pk))
    notification_send(recipients=[supervisor], kind=Notification.Kind.APPROVAL, text="T1: 请审批", ticket=ticket)
    [(channel, payload)] = listener.received()
    assert channel == live.user_channel(supervisor.pk)
    assert {key: payload[key] for key in ("kind", "to", "topic", "ticket")} == {
        "kind": live.NOTIFICATION, "to": supervisor.pk, "topic": "approval", "ticket": ticket.pk}
    assert "请审批" not in json.dumps(payload, ensure_ascii=False)


def test_a_write_stands_when_redis_is_down(team, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    ticket = services.ticket_create(actor=None, customer=CustomerFactory(), team=team, subject="Redis 停了",
                                    channel=Ticket.Channel.WEB)
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert "live: could not publish" in caplog.text


def test_the_stream_channels_follow_the_ticket_scope(team, other_team, agent, supervisor, manager):
    assert ticket_live_channels(user_id=agent.pk) == [live.user_channel(agent.pk), live.team_channel(team.pk)]
    assert ticket_live_channels(user_id=supervisor.pk) == [live.user_channel(supervisor.pk), live.team_channel(team.pk)]
    assert ticket_live_channels(user_id=manager.pk) == [live.user_channel(manager.pk), live.all_channel()]
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert ticket_live_channels(user_id=agent.pk) is None
    nobody = UserFactory(username="live-nobody", teams=[TeamFactory()])
    assert ticket_live_channels(user_id=nobody.pk) is None
