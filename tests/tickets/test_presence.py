import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from helpdesk.roles import Role
from tests.factories import TicketFactory, UserFactory
from tickets import presence

pytestmark = pytest.mark.django_db  # presence keys name the ticket id, never reused within a run


@pytest.fixture
def colleague(team):
    return UserFactory(username="t-colleague", display_name="陈静", role=Role.AGENT, teams=[team])


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_report_shows_others_with_state_not_oneself(agent, colleague, team):
    ticket = TicketFactory(team=team)
    presence.ticket_presence_report(ticket=ticket, user=colleague, state=presence.VIEWING)
    presence.ticket_presence_report(ticket=ticket, user=agent, state=presence.REPLYING)
    assert presence.ticket_presence_others(ticket=ticket, viewer=agent) == [
        {"user_id": colleague.pk, "name": str(colleague), "state": "viewing"}]
    assert presence.ticket_presence_others(ticket=ticket, viewer=colleague) == [
        {"user_id": agent.pk, "name": str(agent), "state": "replying"}]


def test_presence_expires_without_heartbeat(agent, colleague, team):
    ticket = TicketFactory(team=team)
    with time_machine.travel(0, tick=False) as traveller:
        traveller.move_to("2026-03-02 10:00:00+08:00")
        presence.ticket_presence_report(ticket=ticket, user=colleague, state=presence.VIEWING)
        traveller.shift(presence.PRESENCE_SECONDS - 1)
        assert len(presence.ticket_presence_others(ticket=ticket, viewer=agent)) == 1
        traveller.shift(2)
        assert presence.ticket_presence_others(ticket=ticket, viewer=agent) == []


def test_left_removes_the_user_at_once(agent, colleague, team):
    ticket = TicketFactory(team=team)
    presence.ticket_presence_report(ticket=ticket, user=colleague, state=presence.REPLYING)
    presence.ticket_presence_report(ticket=ticket, user=colleague, state=presence.LEFT)
    assert presence.ticket_presence_others(ticket=ticket, viewer=agent) == []


def test_redis_outage_shows_nobody_and_breaks_nothing(agent, colleague, team, monkeypatch):
    ticket = TicketFactory(team=team)

    class Down:
        def __getattr__(self, name):
            def down(*args, **kwargs):
                raise RedisConnectionError("down")
            return down

    monkeypatch.setattr(presence, "cache", Down())
    presence.ticket_presence_report(ticket=ticket, user=colleague, state=presence.VIEWING)
    assert presence.ticket_presence_others(ticket=ticket, viewer=agent) == []
    assert signed_in(agent).get(f"/tickets/{ticket.pk}/").status_code == 200


def test_heartbeat_returns_the_others_as_a_fragment(agent, colleague, team):
    ticket = TicketFactory(team=team)
    signed_in(colleague).post(f"/tickets/{ticket.pk}/presence/", {"state": "replying"})
    response = signed_in(agent, HTTP_ACCEPT_LANGUAGE="zh-hans").post(f"/tickets/{ticket.pk}/presence/", {"state": "viewing"})
    html = response.content.decode()
    assert response.status_code == 200 and "陈静 正在回复" in html and "<html" not in html


def test_ticket_page_shows_who_is_viewing(agent, colleague, team):
    ticket = TicketFactory(team=team)
    signed_in(colleague).post(f"/tickets/{ticket.pk}/presence/", {"state": "viewing"})
    html = signed_in(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "陈静 正在查看" in html and 'data-presence-url="/tickets/' in html


def test_heartbeat_rejects_an_unknown_state(agent, team):
    ticket = TicketFactory(team=team)
    assert signed_in(agent).post(f"/tickets/{ticket.pk}/presence/", {"state": "typing"}).status_code == 400


def test_heartbeat_needs_the_csrf_token(agent, team):
    ticket = TicketFactory(team=team)
    response = signed_in(agent, enforce_csrf_checks=True).post(f"/tickets/{ticket.pk}/presence/", {"state": "viewing"})
    assert response.status_code == 403


def test_heartbeat_on_a_ticket_out_of_scope_is_404_and_records_nothing(agent, other_team):
    ticket = TicketFactory(team=other_team)
    assert signed_in(agent).post(f"/tickets/{ticket.pk}/presence/", {"state": "viewing"}).status_code == 404
    assert cache.get(f"tickets:presence:{ticket.pk}") is None


def test_api_reports_and_lists_presence(api, agent, colleague, team):
    ticket = TicketFactory(team=team)
    api(colleague).post(f"/api/v1/tickets/{ticket.pk}/presence/", {"state": "replying"}, format="json")
    response = api(agent).get(f"/api/v1/tickets/{ticket.pk}/presence/")
    assert response.status_code == 200
    assert response.json() == [{"user_id": colleague.pk, "name": "陈静", "state": "replying"}]


def test_api_presence_rejects_a_bad_state_and_hides_other_teams(api, agent, team, other_team):
    ticket = TicketFactory(team=team)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/presence/", {"state": "typing"}, format="json")
    assert response.status_code == 400 and "state" in response.json()
    hidden = TicketFactory(team=other_team)
    assert api(agent).get(f"/api/v1/tickets/{hidden.pk}/presence/").status_code == 404
