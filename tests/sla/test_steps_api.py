"""The complaint steps in the API and on the agent's ticket page: the tracker with deadlines, explicit completion."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from helpdesk.roles import Role
from sla.models import StepPolicy
from tests.defaults import defaults_load
from tests.factories import CustomerFactory, UserFactory
from tickets.models import Category, TicketEvent, TicketStep
from tickets.services import ticket_create

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
FIELDS = {"step", "label", "done", "current", "completed_at", "actor", "note", "is_explicit", "due_at",
          "is_provisional", "state"}


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def complaint(sla_defaults, agent, supervisor, team):
    StepPolicy.objects.all().delete()
    defaults_load("sla.migrations.0005_default_step_policy")
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        return ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="耳机没有声音",
                             kind="complaint", channel="email", assignee=agent,
                             category=Category.objects.get(code="quality"))


def test_steps_list_the_seven_steps_with_deadlines_and_state(api_client, agent, complaint):
    api_client.force_authenticate(agent)
    with time_machine.travel(at(2026, 11, 24, 14), tick=False):
        response = api_client.get(f"/api/v1/tickets/{complaint.pk}/steps/")
    assert response.status_code == 200
    rows = response.json()
    assert [row["step"] for row in rows] == ["intake", "classification", "investigation", "solution", "agreement",
                                             "execution", "feedback"]
    assert all(set(row) == FIELDS for row in rows)
    intake, classification, investigation, solution = rows[:4]
    assert intake["done"] and intake["actor"] == str(agent) and intake["state"] == "on_time"
    assert intake["completed_at"] == "2026-11-20T10:00:00+08:00"
    assert classification["done"] and classification["due_at"] == "2026-11-23T10:00:00+08:00"
    assert investigation["current"] and investigation["state"] == "overdue"  # due Tue 10:00
    assert solution["state"] == "warning" and solution["is_provisional"] is False  # warning point Tue 13:36
    assert not solution["done"] and solution["completed_at"] is None and solution["actor"] is None


def test_agent_completes_a_step_with_a_note(api_client, agent, complaint):
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/tickets/{complaint.pk}/steps/complete/",
                               {"step": "investigation", "note": "电话核实物流轨迹"}, format="json")
    assert response.status_code == 200, response.content
    row = next(row for row in response.json() if row["step"] == "investigation")
    assert row["done"] and row["is_explicit"] and row["note"] == "电话核实物流轨迹" and row["actor"] == str(agent)
    assert complaint.events.filter(kind=TicketEvent.Kind.STEP_DONE, to_value="investigation").count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"step": "archive", "note": "好"}, "step"),
    ({"step": "investigation"}, "note"),
    ({"step": "investigation", "note": "   "}, "note"),
    ({"step": "intake", "note": "再次受理"}, "step"),  # already done at creation
    ({"note": "好"}, "step"),
])
def test_bad_completion_is_a_400_naming_the_field(api_client, agent, complaint, body, field):
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/tickets/{complaint.pk}/steps/complete/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert TicketStep.objects.filter(ticket=complaint).count() == 2


def test_steps_of_another_teams_ticket_are_404(api_client, other_team, complaint):
    outsider = UserFactory(username="outsider", role=Role.AGENT, teams=[other_team])
    api_client.force_authenticate(outsider)
    assert api_client.get(f"/api/v1/tickets/{complaint.pk}/steps/").status_code == 404
    response = api_client.post(f"/api/v1/tickets/{complaint.pk}/steps/complete/",
                               {"step": "investigation", "note": "好"}, format="json")
    assert response.status_code == 404
    assert not TicketStep.objects.filter(ticket=complaint, step="investigation").exists()


def test_steps_are_in_the_schema(api_client, agent):
    api_client.force_authenticate(agent)
    paths = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert "/api/v1/tickets/{id}/steps/" in paths
    complete = paths["/api/v1/tickets/{id}/steps/complete/"]["post"]
    assert {"200", "400", "404"} <= set(complete["responses"])


# The agent's ticket page.

def test_tracker_shows_due_times_countdowns_and_overdue_steps(client_for, agent, complaint):
    with time_machine.travel(at(2026, 11, 24, 14), tick=False):
        html = client_for(agent).get(f"/tickets/{complaint.pk}/").content.decode()
    assert html.count('data-testid="step-due"') == 7
    assert 'class=" current overdue" data-step="investigation" data-state="overdue"' in html
    assert 'data-testid="step-overdue"' in html
    assert html.count('data-testid="sla-countdown"') >= 5  # the open steps count down
    assert 'data-testid="step-form"' in html


def test_tracker_marks_provisional_deadlines(client_for, agent, sla_defaults, team):
    StepPolicy.objects.all().delete()
    defaults_load("sla.migrations.0005_default_step_policy")
    with time_machine.travel(at(2027, 3, 1, 10), tick=False):
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="投诉", kind="complaint",
                               assignee=agent)
        html = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert html.count('data-testid="provisional"') >= 6


def test_page_action_completes_a_step_and_refuses_bad_input(client_for, agent, complaint):
    client = client_for(agent)
    response = client.post(f"/tickets/{complaint.pk}/step/", {"step": "investigation", "note": "现场核实"})
    assert response.status_code == 302
    assert TicketStep.objects.get(ticket=complaint, step="investigation").note == "现场核实"
    response = client.post(f"/tickets/{complaint.pk}/step/", {"step": "solution", "note": ""}, follow=True)
    assert response.status_code == 200
    assert not TicketStep.objects.filter(ticket=complaint, step="solution").exists()
    html = response.content.decode()
    assert 'data-step="investigation"' in html
