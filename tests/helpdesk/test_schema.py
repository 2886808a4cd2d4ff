"""The OpenAPI schema is the same whatever the request's language, so generated clients get stable names."""

import json
import re

import pytest

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
