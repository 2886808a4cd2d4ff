"""The OpenAPI schema is the same whatever the request's language, so generated clients get stable names."""

import json
import re

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_schema_does_not_follow_the_request_language(client_for, agent):
    client = client_for(agent)
    english = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").content
    chinese = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert english == chinese
    schema = json.loads(english)
    names = [operation["operationId"] for path in schema["paths"].values() for operation in path.values()
             if isinstance(operation, dict) and "operationId" in operation]
    names += list(schema["components"]["schemas"])
    names += [parameter["name"] for path in schema["paths"].values() for operation in path.values()
              if isinstance(operation, dict) for parameter in operation.get("parameters", [])]
    assert len(names) > 200 and not [name for name in names if CJK.search(name)]


def test_a_translated_schema_is_asked_for_explicitly(client_for, agent):
    translated = client_for(agent).get("/api/schema/?format=json&lang=zh-hans").content.decode()
    assert CJK.search(translated)


def test_every_operation_documents_its_error_answers(client_for, manager):
    schema = json.loads(client_for(manager).get("/api/schema/?format=json").content)
    assert {"Error", "FieldErrors"} <= set(schema["components"]["schemas"])
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            expected = {"404"} if "{" in path else set()
            expected |= {"400", "409"} if method != "get" else set()
            expected |= set() if operation.get("security") == [{}] else {"401", "403"}
            if not expected <= set(operation["responses"]):
                missing.append(f"{method.upper()} {path}: {sorted(expected - set(operation['responses']))}")
    assert not missing, missing


def test_list_parameters_are_documented_with_their_real_types(client_for, manager):
    schema = json.loads(client_for(manager).get("/api/schema/?format=json").content)

    def parameters(path):
        return {parameter["name"]: parameter["schema"] for parameter in schema["paths"][path]["get"]["parameters"]}

    tickets = parameters("/api/v1/tickets/")
    assert tickets["customer"]["anyOf"][0]["type"] == "integer" and tickets["customer"]["anyOf"][0]["minimum"] == 1
    assert tickets["sla_breached"]["type"] == "boolean"
    assert tickets["created_after"]["anyOf"][0] == {"type": "string", "format": "date-time"}
    assert set(tickets["status"]["items"]["enum"]) >= {"new", "open", "closed"}
    assert set(tickets["view"]["enum"]) == {"mine", "team", "unassigned", "waiting", "escalated", "overdue", "drafts", ""}
    assert tickets["assignee"]["anyOf"][0]["pattern"]
    assert tickets["page_size"]["anyOf"][0]["maximum"] == 100 and tickets["ordering"]["enum"] == ["-updated_at", "sla_due", ""]
    assert {parameters("/api/v1/returns/")[name]["anyOf"][0]["type"] for name in ("order", "customer", "ticket")} == {"integer"}
    assert parameters("/api/v1/surveys/responses/")["is_low"]["type"] == "boolean"
    assert set(parameters("/api/v1/chat/agent/sessions/")["view"]["enum"]) - {""} == {"waiting", "mine"}
    assert parameters("/api/v1/canned-replies/")["q"]["type"] == "string"


def test_an_empty_filter_is_documented_as_no_filter(client_for, manager):
    schema = json.loads(client_for(manager).get("/api/schema/?format=json").content)
    refused = []
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            answer = client_for(manager).get(path, {parameter["name"]: ""}) if "{" not in path else None
            if parameter["in"] != "query" or answer is None or answer.status_code != 200:
                continue
            types = parameter["schema"].get("anyOf", [parameter["schema"]])
            if types[0].get("type") != "string":
                continue
            if any("enum" in t or "format" in t for t in types) and not any("" in t.get("enum", []) for t in types):
                refused.append(f"{path} {parameter['name']}")
    assert not refused, refused


def test_read_only_fields_say_when_they_answer_null_or_blank(client_for, manager):
    schemas = json.loads(client_for(manager).get("/api/schema/?format=json").content)["components"]["schemas"]
    assert schemas["TicketDetail"]["properties"]["category_name"]["nullable"] is True
    assert schemas["ReturnRequest"]["properties"]["exchange_carrier"]["nullable"] is True
    assert {"$ref": "#/components/schemas/BlankEnum"} in schemas["FollowUpVisit"]["properties"]["skip_reason"]["oneOf"]


def test_nested_field_errors_fit_the_documented_shape(client_for, manager):
    schemas = json.loads(client_for(manager).get("/api/schema/?format=json").content)["components"]["schemas"]
    messages = schemas["FieldErrors"]["additionalProperties"]["anyOf"]
    assert {"type": "object"} in messages and messages[0]["items"]["anyOf"][1] == {"type": "object"}


def test_a_path_that_names_no_endpoint_answers_the_json_404(client_for, manager):
    answer = client_for(manager).get("/api/v1/tickets/0.5/")
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert set(answer.json()) == {"detail"}


def _follow(schema: dict, response, request_path: dict, link: dict) -> str:
    """Return the path a documented link leads to from an answer, its parameters resolved as a client would."""
    operation_path = next(path for path, operations in schema["paths"].items() for operation in operations.values()
                          if isinstance(operation, dict) and operation.get("operationId") == link["operationId"])
    for name, expression in link["parameters"].items():
        source, _, pointer = expression.partition("#/") if "#/" in expression else (expression, "", "")
        value = response.json()[pointer] if source == "$response.body" else request_path[expression.rsplit(".", 1)[1]]
        operation_path = operation_path.replace(f"{{{name}}}", str(value))
    return operation_path


def test_links_lead_from_a_new_object_to_the_actions_on_it(client_for, api, agent, team):
    schema = json.loads(client_for(agent).get("/api/schema/?format=json").content)
    created = api(agent).post("/api/v1/tickets/", {"subject": "发票", "customer": CustomerFactory().pk, "team": team.pk},
                              format="json")
    links = schema["paths"]["/api/v1/tickets/"]["post"]["responses"]["201"]["links"]
    assert {"tickets_retrieve", "tickets_claim_create", "tickets_messages_create", "tickets_remedies_create"} <= set(links)
    claim = _follow(schema, created, {}, links["tickets_claim_create"])
    assert claim == f"/api/v1/tickets/{created.json()['id']}/claim/"
    assert api(agent).post(claim, {}, format="json").status_code == 200
    remedies = _follow(schema, created, {}, links["tickets_remedies_create"])
    proposed = api(agent).post(remedies, {"kind": "coupon", "amount": "20"}, format="json")
    remedy_links = schema["paths"]["/api/v1/tickets/{id}/remedies/"]["post"]["responses"]["201"]["links"]
    agree = _follow(schema, proposed, {"id": created.json()["id"]}, remedy_links["tickets_remedies_agree_create"])
    assert agree == f"/api/v1/tickets/{created.json()['id']}/remedies/{proposed.json()['id']}/agree/"
    detail_links = schema["paths"]["/api/v1/tickets/{id}/claim/"]["post"]["responses"]["200"]["links"]
    assert set(detail_links) == {"tickets_retrieve"}


def test_a_list_leads_nowhere_for_it_may_be_empty(client_for, manager):
    schema = json.loads(client_for(manager).get("/api/schema/?format=json").content)
    assert "links" not in schema["paths"]["/api/v1/tickets/"]["get"]["responses"]["200"]
