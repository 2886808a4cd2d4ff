"""The one API error layer (helpdesk/api/errors.py): each refusal of a service, through a real endpoint, in one shape.

Input errors are ``{"field": ["message", ...]}``; every other error is ``{"detail": "message"}`` (docs/api.md).
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from followups import services as followup_services
from followups import tokens
from helpdesk.roles import Role
from tests.factories import CannedReplyFactory, CustomerFactory, TicketFactory, UserFactory
from tests.factories.orders import delivered_order

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def ticket(team):
    return TicketFactory(team=team, subject="耳机没有声音")


def detail_of(response, status: int) -> str:
    """Return the message of a ``{"detail": "..."}`` answer with this status, checking that shape."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail"} and isinstance(body["detail"], str) and body["detail"], body
    return body["detail"]


def field_errors_of(response) -> dict:
    """Return the body of a 400 with field errors, checking every member is a list of strings."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body and all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in body.values()), body
    return body


# 400: input errors, by field.

def test_a_service_field_error_is_a_400_on_that_field(api, agent, ticket, other_team):
    outsider = UserFactory(role=Role.AGENT, teams=[other_team])
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/assign/", {"assignee": outsider.pk}, format="json", **EN)
    assert set(field_errors_of(response)) == {"assignee"}


def test_a_refused_transition_is_a_400_on_status_naming_the_allowed_ones(api, agent, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/transition/", {"status": "awaiting_approval"},
                               format="json", **EN)
    body = field_errors_of(response)
    assert set(body) == {"status", "allowed"}
    assert body["status"][0].startswith("Cannot change status from new to awaiting_approval")
    assert body["allowed"] == ["closed", "open", "pending_customer", "pending_internal", "resolved"]


def test_a_team_one_may_not_use_is_a_400_on_team(api, agent, other_team):
    response = api(agent).post("/api/v1/canned-replies/", {"title": "t", "shortcut": "x", "body": "b",
                                                           "team": other_team.pk}, format="json", **EN)
    assert field_errors_of(response) == {"team": ["You can only manage your own replies, or those of a team you lead."]}


# 400: refusals not about one field.

def test_a_service_error_without_a_field_is_a_400_detail(api, agent):
    response = api(agent).patch(f"/api/v1/customers/{CustomerFactory().pk}/", {}, format="json", **EN)
    assert detail_of(response, 400) == "Give at least one field to change."


def test_a_guard_is_a_400_detail(api, agent):
    client = api(agent)
    order = delivered_order()
    rid = client.post("/api/v1/returns/", {"order": order.pk, "kind": "return", "reason": "no_reason",
                                           "items": [{"order_item": order.items.first().pk, "quantity": 1}]},
                      format="json").json()["id"]
    assert client.post(f"/api/v1/returns/{rid}/approve/").status_code == 200
    response = client.post(f"/api/v1/returns/{rid}/refund/", {}, format="json", **EN)
    assert detail_of(response, 400) == "The goods must be received and inspected before the refund."


# 403: the caller sees the object but may not do this.

def test_a_services_permission_refusal_is_a_403_with_its_message(api, agent, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/sla/pause/", {"reason": "台风停运"}, format="json", **EN)
    assert detail_of(response, 403) == "Only a supervisor may extend or pause SLA deadlines."


def test_anothers_canned_reply_of_ones_team_is_a_403_to_change_and_to_delete(api, agent, team):
    theirs = CannedReplyFactory(shortcut="mate", team=team, created_by=UserFactory(role=Role.AGENT, teams=[team]))
    client = api(agent)
    message = "You can only manage your own replies, or those of a team you lead."
    assert detail_of(client.patch(f"/api/v1/canned-replies/{theirs.pk}/", {"title": "x"}, format="json", **EN), 403) == message
    assert detail_of(client.delete(f"/api/v1/canned-replies/{theirs.pk}/", **EN), 403) == message


# 404: out of scope or unknown.

def test_a_ticket_out_of_scope_is_a_404_detail(api, other_team):
    outsider = UserFactory(role=Role.AGENT, teams=[other_team])
    ticket = TicketFactory()
    detail_of(api(outsider).post(f"/api/v1/tickets/{ticket.pk}/claim/", **EN), 404)


@pytest.fixture
def survey(team, agent):
    ticket = TicketFactory(team=team, assignee=agent, status="resolved", order=None)
    return followup_services.survey_create(customer=ticket.customer, ticket=ticket)


ANSWER = {"overall": 4, "answers": {"efficiency": 5, "professionalism": 4, "accuracy": 3}}


def test_a_forged_survey_link_is_a_404_detail_in_the_requests_language(api_client):
    url = "/api/v1/surveys/forged/responses/"
    assert detail_of(api_client.post(url, ANSWER, format="json", **EN), 404) == "Unknown survey link."
    assert detail_of(api_client.post(url, ANSWER, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"), 404) == "未知的调查链接。"


# 409: the state moved on; 410: gone.

def test_a_claim_someone_else_won_is_a_409_detail(api, agent, ticket, team):
    colleague = UserFactory(role=Role.AGENT, teams=[team])
    assert api(colleague).post(f"/api/v1/tickets/{ticket.pk}/claim/").status_code == 200
    assert detail_of(api(agent).post(f"/api/v1/tickets/{ticket.pk}/claim/", **EN), 409) == f"Already claimed by {colleague}."


def test_a_step_the_return_is_not_ready_for_is_a_409_detail(api, agent):
    client = api(agent)
    order = delivered_order()
    rid = client.post("/api/v1/returns/", {"order": order.pk, "kind": "return", "reason": "no_reason",
                                           "items": [{"order_item": order.items.first().pk, "quantity": 1}]},
                      format="json").json()["id"]
    assert "cannot become" in detail_of(client.post(f"/api/v1/returns/{rid}/receive/", **EN), 409)


def test_a_survey_answered_twice_is_a_409_and_an_expired_one_a_410(api_client, survey):
    url = f"/api/v1/surveys/{tokens.survey_token(survey)}/responses/"
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        assert detail_of(api_client.post(url, ANSWER, format="json", **EN), 410) == "This survey link has expired."
    assert api_client.post(url, ANSWER, format="json").status_code == 201
    assert detail_of(api_client.post(url, ANSWER, format="json", **EN), 409) == "This survey was already answered."


@pytest.mark.django_db
def test_an_object_id_with_whitespace_is_a_404_not_the_object(client_for, manager):
    from tests.factories import CustomerFactory

    customer = CustomerFactory()
    client = client_for(manager)
    assert client.get(f"/api/v1/customers/{customer.pk}/").status_code == 200
    for path in (f"/api/v1/customers/%0D{customer.pk}/", f"/api/v1/customers/%20{customer.pk}/reviews/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), path


@pytest.mark.django_db
def test_a_page_size_of_whitespace_is_a_400_and_an_empty_one_the_default(client_for, manager):
    client = client_for(manager)
    assert client.get("/api/v1/tickets/", {"page_size": "\x0c"}).status_code == 400
    assert client.get("/api/v1/tickets/", {"page_size": " 5"}).status_code == 400
    assert client.get("/api/v1/tickets/", {"page_size": ""}).status_code == 200
