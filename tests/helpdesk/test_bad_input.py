"""Malformed input is answered with 400 and a message, never 500: cursors, filters, dates, nesting, headers."""

import base64
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import ChatWidgetFactory
from chat import services as chat_services

pytestmark = pytest.mark.django_db

MALFORMED = ["x", "9999-12-31", "10000-01-01", "99999999999999999999", "-1", "1e308", "2024-13-45", "nan", "1,2,x",
             "2024-01-01T25:00", "-99999999999999999999"]
FORGED_CURSORS = [base64.b64encode(raw).decode() for raw in (
    b"p=abc&o=1", b"p=9999-99-99&r=1", b"p=99999999999999999999", b"p=10000-01-01T00:00:00%2B00:00", b"o=-5")]


def _api_lists():
    """Yield (URL, view class) of every API endpoint reached without arguments, once each."""
    seen = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
                yield namespace + pattern.name, pattern

    for name, pattern in walk(get_resolver().url_patterns):
        url = reverse(name)
        if url.startswith("/api/v1/") and url not in seen:
            seen.add(url)
            yield url, getattr(pattern.callback, "cls", None)


def test_no_list_endpoint_answers_500_to_a_forged_cursor_or_a_malformed_filter(api_client, manager):
    api_client.force_authenticate(manager)
    client_errors, server_errors, lists = 0, [], 0
    for url, view in _api_lists():
        if api_client.get(url).status_code != 200:
            continue
        lists += 1
        params = {"cursor", "limit", "ordering", "page_size", "date_from", "date_to", "month", "team", "agent", "view"}
        filterset = getattr(view, "filterset_class", None)
        params |= set(filterset.base_filters) if filterset else set()
        for param in sorted(params):
            for value in MALFORMED + (FORGED_CURSORS if param == "cursor" else []):
                status = api_client.get(url, {param: value}).status_code
                if status >= 500:
                    server_errors.append((url, param, value, status))
                client_errors += status == 400
    assert lists > 15 and client_errors
    assert not server_errors


@pytest.mark.parametrize("cursor", ["garbage", *FORGED_CURSORS[:4]])
def test_a_forged_cursor_is_a_400_naming_the_cursor(api_client, manager, cursor):
    api_client.force_authenticate(manager)
    for url in ("/api/v1/tickets/", "/api/v1/customers/", "/api/v1/kpi/scorecards/"):
        response = api_client.get(url, {"cursor": cursor})
        assert response.status_code == 400, (url, response.content)
        assert response.json()["cursor"]


def test_the_cursors_the_api_writes_still_work(api_client, manager):
    from tests.factories import TicketFactory

    TicketFactory.create_batch(3)
    api_client.force_authenticate(manager)
    first = api_client.get("/api/v1/tickets/", {"page_size": 1}).json()
    assert first["next"]
    assert api_client.get(first["next"]).status_code == 200


@pytest.mark.parametrize("query", [{"date_to": "9999-12-31"}, {"date_from": "9999-12-30", "date_to": "9999-12-31"},
                                   {"date_from": "0001-01-01", "date_to": "0001-01-05"}, {"date_to": "0001-01-01"}])
def test_a_kpi_day_in_year_9999_or_1_is_a_400(api_client, client_for, manager, query):
    api_client.force_authenticate(manager)
    response = api_client.get("/api/v1/kpi/summary/", query)
    assert response.status_code == 400 and set(response.json()) & {"date_from", "date_to"}
    page = client_for(manager).get("/kpi/", query)
    assert page.status_code < 500


def test_deeply_nested_json_is_a_400(api_client, agent):
    api_client.force_authenticate(agent)
    for depth in (10_000, 100):
        body = "[" * depth + "]" * depth
        response = api_client.post("/api/v1/tickets/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "nest" in response.json()["detail"]


def test_deeply_nested_json_to_the_chat_widget_is_a_400(client, team):
    session = chat_services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    body = '{"body": "hi", "x": ' + "[" * 10_000 + "]" * 10_000 + "}"
    response = client.post(f"/api/v1/chat/sessions/{session.pk}/messages/", body, content_type="application/json",
                           headers={"X-Chat-Token": session.token, "Accept-Language": "en"})
    assert response.status_code == 400 and "nest" in response.json()["detail"]


def test_a_nul_in_the_chat_token_is_a_400(client, team):
    session = chat_services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    for method, path, body in (("get", f"/api/v1/chat/sessions/{session.pk}/", None),
                               ("post", f"/api/v1/chat/sessions/{session.pk}/messages/", json.dumps({"body": "hi"}))):
        kwargs = {"content_type": "application/json", "data": body} if body else {}
        response = getattr(client, method)(path, headers={"X-Chat-Token": session.token[:5] + "\x00"}, **kwargs)
        assert response.status_code == 400 and "NUL" in response.json()["detail"], path
