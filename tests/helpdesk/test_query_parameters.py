"""Every documented query parameter of every list is used or refused: a wrong value is a 400 naming it, never ignored."""

import json

import pytest

from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _schema(client_for, user) -> dict:
    return json.loads(client_for(user).get("/api/schema/?format=json").content)


def _list_routes(schema: dict):
    """Yield (path, operation) of every GET the schema documents without path parameters."""
    for path, operations in schema["paths"].items():
        if "get" in operations and "{" not in path:
            yield path, operations["get"]


def _wrong_values(schema: dict) -> list[str]:
    """Return values the parameter's documented schema does not allow (none for free text)."""
    if schema.get("type") == "array":
        return _wrong_values(schema["items"])
    if "anyOf" in schema:  # a value of its own type, or "" for no filter
        return _wrong_values(schema["anyOf"][0])
    if "enum" in schema:
        return ["not-a-choice"]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer":
        wrong = ["abc", "1.5", "1e3"]
        if "minimum" in schema:
            wrong.append(str(schema["minimum"] - 1))
        if "maximum" in schema:
            wrong.append(str(schema["maximum"] + 1))
        return wrong
    if kind == "number":
        return ["abc"]
    if kind == "boolean":
        return ["maybe", "2"]
    if fmt == "date":
        return ["2024-13-45", "yesterday"]
    if fmt == "date-time":
        return ["2024-13-45T25:00", "yesterday"]
    if "pattern" in schema:
        return ["!not-it!"]
    return []


def test_every_documented_query_parameter_refuses_a_wrong_value_naming_it(api_client, client_for, manager):
    schema = _schema(client_for, manager)
    api_client.force_authenticate(manager)
    accepted, cases, routes = [], 0, set()
    for path, operation in _list_routes(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in _wrong_values(parameter["schema"]):
                cases += 1
                routes.add(path)
                response = api_client.get(path, {parameter["name"]: value}, HTTP_ACCEPT_LANGUAGE="en")
                if response.status_code != 400 or parameter["name"] not in response.json():
                    accepted.append(f"GET {path}?{parameter['name']}={value}: {response.status_code}")
        # Parameters that are not the list's (a client's cache buster) are ignored.
        assert api_client.get(path, {"_": "1712345678"}).status_code == 200, path
    assert len(routes) >= 13 and cases > 150
    assert not accepted, accepted


def test_every_paginated_list_documents_and_answers_the_same_pagination(api_client, client_for, manager):
    schema = _schema(client_for, manager)
    api_client.force_authenticate(manager)
    paginated, disagreements = 0, []
    for path, operation in _list_routes(schema):
        body = operation["responses"]["200"].get("content", {}).get("application/json", {}).get("schema", {})
        names = {parameter["name"]: parameter["schema"] for parameter in operation.get("parameters", [])}
        answer = api_client.get(path)
        if body.get("$ref", "").startswith("#/components/schemas/Paginated"):
            paginated += 1
            page_size = names.get("page_size", {}).get("anyOf", [{}])[0]
            if not ({"cursor", "page_size", "ordering"} <= set(names) and page_size.get("minimum") == 1
                    and page_size.get("maximum") and names["ordering"].get("enum")):
                disagreements.append(f"{path}: pagination parameters {sorted(names)}")
            if set(answer.json()) != {"next", "previous", "results"}:
                disagreements.append(f"{path}: documented paginated, answered {type(answer.json()).__name__}")
        elif body.get("type") == "array" and not isinstance(answer.json(), list):
            disagreements.append(f"{path}: documented as an array, answered {type(answer.json()).__name__}")
    assert paginated >= 10
    assert not disagreements, disagreements


def test_a_page_size_out_of_range_is_a_400_saying_the_maximum(api, agent, team):
    TicketFactory.create_batch(3, team=team)
    client = api(agent)
    for value in ("abc", "0", "-3", "101", "2.5", "１０"):
        response = client.get("/api/v1/tickets/", {"page_size": value}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, value
        assert response.json() == {"page_size": ["Enter a whole number from 1 to 100."]}
    assert len(client.get("/api/v1/tickets/", {"page_size": 2}).json()["results"]) == 2
    assert len(client.get("/api/v1/tickets/", {"page_size": 100}).json()["results"]) == 3


def test_a_thread_list_says_its_own_maximum(api, agent, team):
    ticket = TicketFactory(team=team)
    response = api(agent).get(f"/api/v1/tickets/{ticket.pk}/messages/", {"page_size": "201"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json() == {"page_size": ["Enter a whole number from 1 to 200."]}


def test_an_unknown_ordering_is_a_400_naming_the_orders_offered(api, agent):
    response = api(agent).get("/api/v1/tickets/", {"ordering": "subject"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"ordering": ["Order by one of: -updated_at, sla_due."]}


def test_an_unknown_saved_view_is_a_400(api, agent):
    response = api(agent).get("/api/v1/tickets/", {"view": "everything"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and list(response.json()) == ["view"]
    chats = api(agent).get("/api/v1/chat/agent/sessions/", {"view": "everything"}, HTTP_ACCEPT_LANGUAGE="en")
    assert chats.status_code == 400 and list(chats.json()) == ["view"]


def test_a_yes_no_filter_takes_true_or_false_only(api, agent):
    client = api(agent)
    for value in ("maybe", "yes please", "2", "unknown"):
        response = client.get("/api/v1/tickets/", {"sla_breached": value, "status": "gone"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, value
        assert response.json()["sla_breached"] == ["Enter true or false."] and response.json()["status"]
    for value in ("true", "false", "True", "1", "0"):
        assert client.get("/api/v1/tickets/", {"sla_breached": value}).status_code == 200, value


@pytest.mark.parametrize(("param", "value"), [("customer", "1.5"), ("assignee", "someone"), ("assignee", "-4")])
def test_id_filters_take_a_whole_positive_number(api, agent, team, param, value):
    mine = TicketFactory(team=team, assignee=agent)
    unassigned = TicketFactory(team=team, assignee=None)
    client = api(agent)
    response = client.get("/api/v1/tickets/", {param: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and list(response.json()) == [param]
    rows = lambda query: {row["id"] for row in client.get("/api/v1/tickets/", query).json()["results"]}  # noqa: E731
    assert rows({"assignee": "me"}) == rows({"assignee": str(agent.pk)}) == {mine.pk}
    assert rows({"assignee": "none"}) == rows({"assignee": "Unassigned"}) == {unassigned.pk}
    assert rows({"customer": str(mine.customer_id)}) == {mine.pk}


def test_an_unknown_customer_level_is_a_400(api, manager):
    response = api(manager).get("/api/v1/customers/", {"level": "platinum"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and list(response.json()) == ["level"]


@pytest.mark.parametrize("query", [{"cursor": "garbage"}, {"page_size": "abc"}, {"ordering": "subject"}])
def test_the_ticket_pages_answer_a_wrong_page_query_with_400(client_for, agent, query):
    for path in ("/tickets/", "/inbox/"):
        assert client_for(agent).get(path, query).status_code == 400, path


def test_the_html_lists_show_a_wrong_filter_as_a_form_error(client_for, agent):
    page = client_for(agent).get("/tickets/", {"assignee": "someone", "sla_breached": "maybe"})
    assert page.status_code == 200
    assert set(page.context["filterset"].errors) == {"assignee", "sla_breached"}
