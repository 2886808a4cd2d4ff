"""Bulk actions on tickets: the service, the API and the list page's bulk bar; tags on one ticket."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from helpdesk.roles import Role
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory, UserFactory
from tickets.bulk import BULK_LIMIT, tickets_bulk_apply
from tickets.models import Category, Tag, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Read the reasons in English (the pages and the API answer in the request's language)."""
    translation.activate("en")


def _numbers(entries):
    return sorted(entry["number"] for entry in entries)


def test_bulk_assign_to_me_records_an_event_per_ticket(agent, team):
    tickets = [TicketFactory(team=team) for _ in range(3)]
    result = tickets_bulk_apply(actor=agent, ticket_ids=[t.pk for t in tickets], action="assign", value="me")
    assert _numbers(result["updated"]) == sorted(t.number for t in tickets) and result["skipped"] == []
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == agent and ticket.status == Ticket.Status.OPEN  # as a single assign does
        assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED, actor=agent).count() == 1


def test_bulk_reports_tickets_out_of_scope_as_not_found_and_leaves_them(agent, team, other_team):
    mine = TicketFactory(team=team)
    foreign = TicketFactory(team=other_team, priority=Ticket.Priority.LOW)
    result = tickets_bulk_apply(actor=agent, ticket_ids=[mine.pk, foreign.pk, 999_999_999], action="priority",
                                value="urgent")
    assert result["updated"] == [{"ticket": mine.pk, "number": mine.number}]
    assert result["skipped"] == [{"ticket": foreign.pk, "number": None, "reason": "Not found."},
                                 {"ticket": 999_999_999, "number": None, "reason": "Not found."}]
    foreign.refresh_from_db()
    assert foreign.priority == Ticket.Priority.LOW and not foreign.events.exists()


def test_bulk_status_skips_a_transition_the_workflow_refuses_with_the_reason(agent, team):
    open_ticket = TicketFactory(team=team, status=Ticket.Status.OPEN)
    closed = TicketFactory(team=team, status=Ticket.Status.CLOSED)
    already = TicketFactory(team=team, status=Ticket.Status.PENDING_CUSTOMER)
    result = tickets_bulk_apply(actor=agent, ticket_ids=[open_ticket.pk, closed.pk, already.pk], action="status",
                                value="pending_customer")
    assert result["updated"] == [{"ticket": open_ticket.pk, "number": open_ticket.number}]
    reasons = {entry["number"]: entry["reason"] for entry in result["skipped"]}
    assert reasons == {closed.number: "A ticket that is Closed cannot become Waiting on customer.",
                       already.number: "Already Waiting on customer."}
    closed.refresh_from_db()
    assert closed.status == Ticket.Status.CLOSED and not closed.events.exists()
    assert open_ticket.events.filter(kind=TicketEvent.Kind.STATUS, to_value="pending_customer").count() == 1


def test_bulk_assign_skips_a_ticket_of_a_team_the_assignee_is_not_in(supervisor, team, other_team):
    other_agent = UserFactory(role=Role.AGENT, teams=[other_team])
    mine = TicketFactory(team=team, assignee=supervisor)  # in scope as the supervisor's own, of another team
    theirs = TicketFactory(team=other_team, assignee=supervisor)
    result = tickets_bulk_apply(actor=supervisor, ticket_ids=[mine.pk, theirs.pk], action="assign", value="none")
    assert _numbers(result["updated"]) == sorted([mine.number, theirs.number])
    with pytest.raises(ValidationError) as error:
        tickets_bulk_apply(actor=supervisor, ticket_ids=[mine.pk], action="assign", value=other_agent.pk)
    assert "value" in error.value.message_dict  # someone outside the supervisor's teams is no choice


def test_one_failing_ticket_does_not_undo_the_others(agent, team):
    customer = CustomerFactory()
    tickets = [TicketFactory(team=team, customer=customer) for _ in range(3)]
    Ticket.objects.filter(pk=tickets[1].pk).update(status=Ticket.Status.CLOSED)
    result = tickets_bulk_apply(actor=agent, ticket_ids=[t.pk for t in tickets], action="status", value="resolved")
    assert len(result["updated"]) == 2 and [s["ticket"] for s in result["skipped"]] == [tickets[1].pk]
    assert set(Ticket.objects.filter(pk__in=[tickets[0].pk, tickets[2].pk]).values_list("status", flat=True)) == {"resolved"}


def test_bulk_priority_and_category_go_through_the_update_service(agent, team):
    category = Category.objects.create(name="物流", code="bulk-logistics")
    tickets = [TicketFactory(team=team) for _ in range(2)]
    ids = [t.pk for t in tickets]
    tickets_bulk_apply(actor=agent, ticket_ids=ids, action="priority", value="high")
    result = tickets_bulk_apply(actor=agent, ticket_ids=ids, action="category", value=str(category.pk))
    assert len(result["updated"]) == 2
    for ticket in tickets:
        ticket.refresh_from_db()
        assert (ticket.priority, ticket.category) == ("high", category)
        assert set(ticket.events.values_list("kind", flat=True)) == {TicketEvent.Kind.PRIORITY, TicketEvent.Kind.CATEGORY}
    again = tickets_bulk_apply(actor=agent, ticket_ids=ids, action="priority", value="high")
    assert again["updated"] == [] and {s["reason"] for s in again["skipped"]} == {"Priority is already High."}


def test_bulk_tag_uses_an_existing_tag_and_only_supervisors_create_new_ones(agent, supervisor, team):
    Tag.objects.create(name="加急")
    tickets = [TicketFactory(team=team) for _ in range(2)]
    ids = [t.pk for t in tickets]
    result = tickets_bulk_apply(actor=agent, ticket_ids=ids, action="tag", value="加急")
    assert len(result["updated"]) == 2
    assert all(t.tags.filter(name="加急").exists() for t in tickets)
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.TAGGED, to_value="加急").count() == 2
    with pytest.raises(ValidationError) as error:
        tickets_bulk_apply(actor=agent, ticket_ids=ids, action="tag", value="大促")
    assert "value" in error.value.message_dict and not Tag.objects.filter(name="大促").exists()
    tickets_bulk_apply(actor=supervisor, ticket_ids=ids, action="tag", value="大促")
    assert Tag.objects.filter(name="大促").count() == 1 and tickets[0].tags.count() == 2
    again = tickets_bulk_apply(actor=agent, ticket_ids=ids, action="tag", value="加急")
    assert again["updated"] == [] and len(again["skipped"]) == 2


def test_bulk_merge_goes_into_the_oldest_and_skips_another_customers_ticket(supervisor, team):
    customer = CustomerFactory()
    now = timezone.now()
    oldest, newer = TicketFactory(team=team, customer=customer), TicketFactory(team=team, customer=customer)
    stranger = TicketFactory(team=team)
    Ticket.objects.filter(pk=oldest.pk).update(created_at=now - dt.timedelta(days=2))
    TicketMessageFactory(ticket=newer, body="重复的问题")
    result = tickets_bulk_apply(actor=supervisor, ticket_ids=[newer.pk, stranger.pk, oldest.pk], action="merge",
                                value=None)
    assert result["updated"] == [{"ticket": oldest.pk, "number": oldest.number},
                                 {"ticket": newer.pk, "number": newer.number}]
    assert result["skipped"] == [{"ticket": stranger.pk, "number": stranger.number,
                                  "reason": "Only tickets of the same customer can be merged."}]
    newer.refresh_from_db()
    assert newer.merged_into == oldest and newer.status == Ticket.Status.CLOSED
    assert oldest.messages.filter(body="重复的问题").exists()
    assert oldest.events.filter(kind=TicketEvent.Kind.MERGED).count() == 1


def test_bulk_merge_into_a_chosen_ticket_and_only_for_those_who_may_merge(agent, supervisor, team):
    customer = CustomerFactory()
    first, chosen = TicketFactory(team=team, customer=customer), TicketFactory(team=team, customer=customer)
    with pytest.raises(PermissionDenied):
        tickets_bulk_apply(actor=agent, ticket_ids=[first.pk, chosen.pk], action="merge", value=chosen.pk)
    result = tickets_bulk_apply(actor=supervisor, ticket_ids=[first.pk, chosen.pk], action="merge", value=chosen.pk)
    assert [entry["ticket"] for entry in result["updated"]] == [chosen.pk, first.pk]
    first.refresh_from_db()
    assert first.merged_into == chosen


def test_bulk_refuses_more_than_the_cap_and_bad_input_as_field_errors(agent, team):
    ticket = TicketFactory(team=team)
    cases = [
        (list(range(1, BULK_LIMIT + 2)), "priority", "high", "tickets"),
        ([], "priority", "high", "tickets"),
        (["x"], "priority", "high", "tickets"),
        ([ticket.pk], "explode", "high", "action"),
        ([ticket.pk], "priority", "whenever", "value"),
        ([ticket.pk], "status", None, "value"),
        ([ticket.pk], "category", "999999", "value"),
        ([ticket.pk], "assign", "someone", "value"),
        ([ticket.pk], "tag", "", "value"),
        ([ticket.pk], "tag", ["a"], "value"),
    ]
    for ids, action, value, field in cases:
        with pytest.raises(ValidationError) as error:
            tickets_bulk_apply(actor=agent, ticket_ids=ids, action=action, value=value)
        assert list(error.value.message_dict) == [field], (ids[:3], action, value)
    assert not TicketEvent.objects.exists()
    assert len(tickets_bulk_apply(actor=agent, ticket_ids=[ticket.pk] * BULK_LIMIT, action="priority",
                                  value="high")["updated"]) == 1  # repeated ids count once


# --- API ---------------------------------------------------------------------------------------------------


def test_api_bulk_answers_updated_and_skipped(api, agent, team, other_team):
    mine, foreign = TicketFactory(team=team), TicketFactory(team=other_team)
    response = api(agent).post("/api/v1/tickets/bulk/", {"tickets": [mine.pk, foreign.pk], "action": "assign",
                                                          "value": "me"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    assert response.json() == {"updated": [{"ticket": mine.pk, "number": mine.number}],
                               "skipped": [{"ticket": foreign.pk, "number": None, "reason": "Not found."}]}


@pytest.mark.parametrize("body, field", [
    ({"tickets": list(range(1, BULK_LIMIT + 2)), "action": "priority", "value": "high"}, "tickets"),
    ({"tickets": [], "action": "priority", "value": "high"}, "tickets"),
    ({"tickets": ["1"], "action": "priority", "value": "high"}, "tickets"),
    ({"tickets": [1], "action": "explode", "value": "high"}, "action"),
    ({"tickets": [1], "action": "priority", "value": "whenever"}, "value"),
    ({"tickets": [1], "action": "priority", "value": {"a": 1}}, "value"),
    ({"tickets": [1], "action": "priority", "value": True}, "value"),
    ({"tickets": "1", "action": "priority"}, "tickets"),
])
def test_api_bulk_refuses_bad_input_with_field_errors(api, agent, team, body, field):
    response = api(agent).post("/api/v1/tickets/bulk/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_api_bulk_merge_needs_the_merge_permission(api, agent, team):
    tickets = [TicketFactory(team=team) for _ in range(2)]
    response = api(agent).post("/api/v1/tickets/bulk/", {"tickets": [t.pk for t in tickets], "action": "merge"},
                               format="json")
    assert response.status_code == 403


def test_api_lists_tags_and_filters_by_tag(api, agent, team):
    tag = Tag.objects.create(name="VIP", colour="#d9480f")
    tagged, plain = TicketFactory(team=team), TicketFactory(team=team)
    tagged.tags.add(tag)
    body = api(agent).get(f"/api/v1/tickets/?tag={tag.pk}").json()
    assert [row["id"] for row in body["results"]] == [tagged.pk]
    assert body["results"][0]["tags"] == [{"id": tag.pk, "name": "VIP", "colour": "#d9480f"}]
    assert api(agent).get(f"/api/v1/tickets/{plain.pk}/").json()["tags"] == []
    assert api(agent).get("/api/v1/tickets/?tag=abc").status_code == 400


def test_schema_declares_the_bulk_endpoint(api, agent):
    schema = api(agent).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/tickets/bulk/"]["post"]
    assert {"200", "400", "403"} <= set(operation["responses"])


# --- Pages -------------------------------------------------------------------------------------------------


def test_page_bulk_post_redirects_back_with_the_summary(client_for, agent, team):
    tickets = [TicketFactory(team=team, status=Ticket.Status.OPEN) for _ in range(2)]
    closed = TicketFactory(team=team, status=Ticket.Status.CLOSED)
    client = client_for(agent)
    response = client.post("/tickets/bulk/", {"tickets": [t.pk for t in [*tickets, closed]], "action": "status",
                                              "value": "resolved", "next": "/inbox/?view=mine"}, follow=True)
    assert response.redirect_chain == [("/inbox/?view=mine", 302)]
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == "Updated 2, skipped 1." or shown[0] == "已更新 2 张，跳过 1 张。"
    assert any(closed.number in text for text in shown[1:])


def test_page_bulk_unassigns_and_refuses_bad_input_with_a_message(client_for, agent, team):
    ticket = TicketFactory(team=team, assignee=agent, status=Ticket.Status.OPEN)
    client = client_for(agent)
    response = client.post("/tickets/bulk/", {"tickets": [ticket.pk], "action": "assign", "value": "none",
                                              "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    ticket.refresh_from_db()
    assert ticket.assignee is None
    response = client.post("/tickets/bulk/", {"tickets": [ticket.pk], "action": "explode"}, follow=True)
    assert response.status_code == 200 and not ticket.events.exclude(kind=TicketEvent.Kind.ASSIGNED).exists()
    assert len([m for m in response.context["messages"] if m.level_tag == "error"]) == 1


def test_list_rows_show_selection_boxes_and_tags(client_for, agent, team):
    tag = Tag.objects.create(name="加急", colour="#d9480f")
    ticket = TicketFactory(team=team)
    ticket.tags.add(tag)
    html = client_for(agent).get("/inbox/").content.decode()
    assert f'data-select-row value="{ticket.pk}"' in html and "data-select-all" in html
    assert 'data-testid="bulk-bar"' in html and 'fill="#d9480f"' in html and "加急" in html
    rows = client_for(agent).get("/inbox/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ticket-rows").content.decode()
    assert "data-select-row" in rows and 'data-testid="bulk-bar"' not in rows


def test_ticket_page_adds_and_removes_a_tag_with_events(client_for, agent, team):
    tag = Tag.objects.create(name="加急")
    ticket = TicketFactory(team=team)
    client = client_for(agent)
    assert client.post(f"/tickets/{ticket.pk}/tag-add/", {"tag": " 加急 "}).status_code == 302
    assert list(ticket.tags.all()) == [tag]
    assert "加急" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    client.post(f"/tickets/{ticket.pk}/tag-add/", {"tag": "新标签"})  # agents may not create tags
    assert not Tag.objects.filter(name="新标签").exists()
    assert client.post(f"/tickets/{ticket.pk}/tag-remove/", {"tag": tag.pk}).status_code == 302
    assert not ticket.tags.exists()
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.TAGGED, TicketEvent.Kind.UNTAGGED]
    assert client.post(f"/tickets/{ticket.pk}/tag-remove/", {"tag": "x"}).status_code == 404
