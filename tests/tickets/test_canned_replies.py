"""The canned-reply page and API: shared replies by admins, a team's by its supervisor, members their own."""

import pytest
from rest_framework.test import APIClient

from helpdesk.roles import Role
from tests.factories import CannedReplyFactory, UserFactory
from tickets.models import CannedReply

pytestmark = pytest.mark.django_db


@pytest.fixture
def teammate(team):
    return UserFactory(username="t-agent-mate", role=Role.AGENT, teams=[team])


@pytest.fixture
def stranger(other_team):
    return UserFactory(username="t-agent-other", role=Role.AGENT, teams=[other_team])


def form(**values):
    return {"title": "道歉", "shortcut": "apology-t", "body": "{customer_name}您好，非常抱歉。", "is_active": "on", **values}


def test_agent_lists_shared_and_own_team_replies_only(client_for, agent, team, other_team):
    CannedReplyFactory(shortcut="shared", team=None)
    CannedReplyFactory(shortcut="ours", team=team)
    CannedReplyFactory(shortcut="theirs", team=other_team)
    html = client_for(agent).get("/canned-replies/").content.decode()
    assert 'data-shortcut="shared"' in html and 'data-shortcut="ours"' in html and 'data-shortcut="theirs"' not in html


def test_search_by_shortcut_title_or_text(client_for, agent, team):
    CannedReplyFactory(shortcut="refund", title="退款说明", team=team)
    CannedReplyFactory(shortcut="ship", title="发货", body="已发货", team=team)
    html = client_for(agent).get("/canned-replies/?q=/ref").content.decode()
    assert 'data-shortcut="refund"' in html and 'data-shortcut="ship"' not in html


def test_agent_creates_edits_and_deletes_own_team_reply(client_for, agent, team):
    client = client_for(agent)
    response = client.post("/canned-replies/new/", form(team=team.pk))
    assert response.status_code == 302
    reply = CannedReply.objects.get(shortcut="apology-t")
    assert reply.team == team and reply.created_by == agent
    assert client.post(f"/canned-replies/{reply.pk}/edit/", form(team=team.pk, title="致歉")).status_code == 302
    reply.refresh_from_db()
    assert reply.title == "致歉"
    assert client.post(f"/canned-replies/{reply.pk}/delete/").status_code == 302
    assert not CannedReply.objects.filter(pk=reply.pk).exists()


def test_agent_cannot_touch_a_teammates_reply_but_the_supervisor_can(client_for, agent, teammate, supervisor, team):
    reply = CannedReplyFactory(shortcut="mate", team=team, created_by=teammate)
    client = client_for(agent)
    assert 'data-testid="canned-edit"' not in client.get("/canned-replies/").content.decode()
    assert client.get(f"/canned-replies/{reply.pk}/edit/").status_code == 403
    assert client.post(f"/canned-replies/{reply.pk}/edit/", form(team=team.pk)).status_code == 403
    assert client.post(f"/canned-replies/{reply.pk}/delete/").status_code == 403
    assert CannedReply.objects.filter(pk=reply.pk).exists()
    client = client_for(supervisor)
    assert client.post(f"/canned-replies/{reply.pk}/edit/", form(team=team.pk, shortcut="mate")).status_code == 302
    assert client.post(f"/canned-replies/{reply.pk}/delete/").status_code == 302


def test_another_teams_reply_is_not_found(client_for, stranger, team):
    reply = CannedReplyFactory(shortcut="ours", team=team)
    client = client_for(stranger)
    assert client.get(f"/canned-replies/{reply.pk}/edit/").status_code == 404
    assert client.post(f"/canned-replies/{reply.pk}/delete/").status_code == 404


def test_agent_cannot_create_for_another_team_or_shared(client_for, agent, other_team):
    client = client_for(agent)
    response = client.post("/canned-replies/new/", form(team=other_team.pk))
    assert response.status_code == 400
    response = client.post("/canned-replies/new/", form(team=""))
    assert response.status_code == 400
    assert not CannedReply.objects.filter(shortcut="apology-t").exists()


def test_admin_creates_a_shared_reply(client_for, admin_user):
    response = client_for(admin_user).post("/canned-replies/new/", form(team=""))
    assert response.status_code == 302
    assert CannedReply.objects.get(shortcut="apology-t").team is None


def test_duplicate_shortcut_in_the_same_team_is_a_form_error(client_for, agent, team):
    CannedReplyFactory(shortcut="apology-t", team=team)
    response = client_for(agent).post("/canned-replies/new/", form(team=team.pk))
    assert response.status_code == 400
    assert "shortcut" in response.context["form"].errors


def test_anonymous_is_sent_to_login(client):
    response = client.get("/canned-replies/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_page_is_in_the_navigation(client_for, agent):
    assert 'href="/canned-replies/"' in client_for(agent).get("/inbox/").content.decode()


def test_api_agent_manages_own_reply_and_not_a_teammates(agent, teammate, team):
    api = APIClient()
    api.force_authenticate(agent)
    created = api.post("/api/v1/canned-replies/", {"title": "t", "shortcut": "mine", "body": "b", "team": team.pk}, format="json")
    assert created.status_code == 201
    assert api.patch(f"/api/v1/canned-replies/{created.json()['id']}/", {"title": "t2"}, format="json").status_code == 200
    assert api.post("/api/v1/canned-replies/", {"title": "t", "shortcut": "shared", "body": "b"}, format="json").status_code == 400
    theirs = CannedReplyFactory(shortcut="mate", team=team, created_by=teammate)
    assert api.patch(f"/api/v1/canned-replies/{theirs.pk}/", {"title": "x"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/canned-replies/{theirs.pk}/").status_code == 403
    assert api.delete(f"/api/v1/canned-replies/{created.json()['id']}/").status_code == 204
