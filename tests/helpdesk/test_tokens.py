import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication

from helpdesk.tokens import ExpiringTokenAuthentication
from tests.factories.helpdesk import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-new-long-password-9"


def token_for(api_client, username, password=PASSWORD):
    response = api_client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def me(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    api_client.credentials()
    return response


def test_the_api_authenticates_with_a_subclass_of_drfs_token_authentication():
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] == "helpdesk.tokens.ExpiringTokenAuthentication"
    assert issubclass(ExpiringTokenAuthentication, TokenAuthentication)


def test_a_token_expires_after_the_configured_hours_and_a_new_one_is_issued(api_client, agent, settings):
    settings.API_TOKEN_TTL_HOURS = 2
    issued = timezone.now()
    with time_machine.travel(issued, tick=False):
        body = token_for(api_client, agent.username)
    assert dt.datetime.fromisoformat(body["expires_at"]) == issued + dt.timedelta(hours=2)
    with time_machine.travel(issued + dt.timedelta(hours=1, minutes=59)):
        assert me(api_client, body["token"]).status_code == 200
        assert token_for(api_client, agent.username)["token"] == body["token"]
    with time_machine.travel(issued + dt.timedelta(hours=2, minutes=1)):
        expired = me(api_client, body["token"])
        assert expired.status_code == 401 and "expired" in expired.json()["detail"].lower()
        assert expired.headers["WWW-Authenticate"] == "Token"
        fresh = token_for(api_client, agent.username)["token"]
        assert fresh != body["token"] and me(api_client, fresh).status_code == 200


def test_a_password_change_rotates_the_token(api_client, agent):
    old = token_for(api_client, agent.username)["token"]
    assert me(api_client, old).status_code == 200
    form = SetPasswordForm(agent, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()
    refused = me(api_client, old)
    assert refused.status_code == 401 and "password was changed" in refused.json()["detail"]
    new = token_for(api_client, agent.username, NEW_PASSWORD)["token"]
    assert new != old and me(api_client, new).status_code == 200


def test_a_password_change_through_the_admin_rotates_the_token(api_client, client_for, agent, admin_user):
    old = token_for(api_client, agent.username)["token"]
    response = client_for(admin_user).post(f"/admin/helpdesk/user/{agent.pk}/password/", {
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.content
    assert me(api_client, old).status_code == 401


def test_the_expiry_message_is_translated(api_client, agent, settings):
    settings.API_TOKEN_TTL_HOURS = 1
    key = token_for(api_client, agent.username)["token"]
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert "过期" in api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["detail"]
