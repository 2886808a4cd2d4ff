import io
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

from helpdesk.log import ClientErrorFilter
from helpdesk.roles import Role
from tests.factories import UserFactory


def denied_with_reason(request):
    raise PermissionDenied("只有主管可以重新打开工单")


def broken(request):
    raise RuntimeError("the database went away")


urlpatterns = [
    path("test/denied/", denied_with_reason),
    path("test/broken/", broken),
    path("", include("helpdesk.urls")),
]


@pytest.fixture
def console():
    """Return what the configured console handler writes, captured in place of stderr."""
    handler = next(
        h for h in logging.getLogger("django").handlers if any(isinstance(f, ClientErrorFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def lines(console) -> list[str]:
    return console.getvalue().splitlines()


@pytest.fixture
def nobody(db):
    return UserFactory(username="t-nobody")


def test_missing_page_is_one_line(console, client, db):
    assert client.get("/no-such-page/").status_code == 404
    assert len(lines(console)) == 1
    assert lines(console)[0].endswith("WARNING django.request: GET /no-such-page/ 404 Not Found")


def test_permission_denied_is_one_line_without_traceback(console, client, nobody):
    client.force_login(nobody)
    assert client.get("/orders/").status_code == 403
    assert len(lines(console)) == 1
    assert lines(console)[0].endswith("GET /orders/ 403 Forbidden (Permission denied)")


@pytest.mark.urls(__name__)
def test_permission_denied_line_names_the_reason_given(console, client, nobody):
    client.force_login(nobody)
    assert client.get("/test/denied/").status_code == 403
    assert len(lines(console)) == 1
    assert lines(console)[0].endswith("GET /test/denied/ 403 Forbidden (Permission denied): 只有主管可以重新打开工单")


def test_csrf_failure_is_one_line(console, db):
    assert Client(enforce_csrf_checks=True).post("/login/", {"username": "x"}).status_code == 403
    assert lines(console) == [lines(console)[0]]
    assert lines(console)[0].endswith("WARNING django.security.csrf: POST /login/ 403 Forbidden (CSRF cookie not set.)")


def test_api_refusals_are_one_line_each(console, api_client, nobody):
    assert api_client.get("/api/v1/tickets/").status_code == 401
    api_client.force_authenticate(nobody)
    assert api_client.get("/api/v1/orders/").status_code == 403
    api_client.force_authenticate(UserFactory(username="t-api-agent", role=Role.AGENT))
    assert api_client.get("/api/v1/tickets/999999999/").status_code == 404
    assert [line.split(": ", 1)[1] for line in lines(console)] == [
        "GET /api/v1/tickets/ 401 Unauthorized",
        "GET /api/v1/orders/ 403 Forbidden",
        "GET /api/v1/tickets/999999999/ 404 Not Found",
    ]


@pytest.mark.urls(__name__)
def test_server_error_keeps_its_traceback(console, db):
    assert Client(raise_request_exception=False).get("/test/broken/").status_code == 500
    output = console.getvalue()
    assert "ERROR django.request: Internal Server Error: /test/broken/" in output
    assert "Traceback (most recent call last):" in output
    assert "RuntimeError: the database went away" in output


def test_filter_leaves_the_original_record_to_other_handlers(rf):
    exception = PermissionDenied()
    record = logging.makeLogRecord({
        "msg": "Forbidden (Permission denied): %s", "args": ("/orders/",), "exc_info": (PermissionDenied, exception, None),
        "status_code": 403, "request": rf.get("/orders/"),
    })
    line = ClientErrorFilter().filter(record)
    assert line.getMessage() == "GET /orders/ 403 Forbidden (Permission denied)"
    assert line.exc_info is None
    assert record.exc_info[1] is exception


def test_line_cannot_be_split_by_the_request(rf):
    # As Django logs a BadRequest: its arguments escaped, the exception attached.
    record = logging.makeLogRecord({
        "msg": "%s: %s", "args": (r"bad\nline", r"/x\nFAKE"), "status_code": 400, "request": rf.get("/x%0AFAKE"),
        "exc_info": (ValueError, ValueError("bad\nline"), None),
    })
    assert ClientErrorFilter().filter(record).getMessage() == r"GET /x\nFAKE 400 bad\nline"


def test_record_without_a_request_passes_unchanged():
    record = logging.makeLogRecord({"msg": '"GET /x HTTP/1.1" 404 179', "status_code": 404, "request": object()})
    assert ClientErrorFilter().filter(record) is True
