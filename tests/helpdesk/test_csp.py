"""The Content-Security-Policy on every page, and who may read the API schema."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def policy(response) -> str:
    return response.headers.get("Content-Security-Policy", "")


def assert_strict(response):
    text = policy(response)
    assert "default-src 'self'" in text and "frame-ancestors 'none'" in text and "object-src 'none'" in text
    assert "unsafe-inline" not in text and "unsafe-eval" not in text


def test_pages_error_pages_and_admin_carry_the_policy(client, client_for, admin_user, monkeypatch):
    assert_strict(client.get("/login/"))
    assert_strict(client.get("/admin/login/"))
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_strict(missing)
    staff = client_for(admin_user)
    assert_strict(staff.get("/admin/"))
    assert_strict(staff.get("/customers/"))

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("customers.selectors.customer_queryset_for_viewer", broken)
    failing = Client(raise_request_exception=False)
    failing.force_login(admin_user)
    error = failing.get("/customers/")
    assert error.status_code == 500 and "text/html" in error.headers["Content-Type"]
    assert_strict(error)


def test_the_api_docs_page_runs_its_script_by_nonce_not_unsafe_inline(client_for, agent):
    response = client_for(agent).get("/api/docs/")
    assert response.status_code == 200
    assert_strict(response)
    nonce = policy(response).split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "<style>" not in response.content.decode()


def test_schema_and_docs_need_a_login_when_debug_is_off(client, api_client, agent, settings):
    settings.DEBUG = False
    assert client.get("/api/schema/").status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs.url.startswith("/login/?next=/api/docs/")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    assert api_client.get("/api/schema/").status_code == 200
    client.force_login(agent)
    assert client.get("/api/schema/").status_code == 200 and client.get("/api/docs/").status_code == 200


def test_schema_and_docs_are_open_while_debug_is_on(client, settings):
    settings.DEBUG = True
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
