import pytest

from tests.factories.helpdesk import PASSWORD


@pytest.mark.django_db
def test_token_for_valid_credentials(api_client, agent):
    response = api_client.post("/api/v1/auth/token/", {"username": agent.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").json()["username"] == agent.username


@pytest.mark.django_db
def test_token_rejects_bad_credentials_with_400(api_client, agent):
    response = api_client.post("/api/v1/auth/token/", {"username": agent.username, "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.django_db
def test_token_requires_both_fields(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


@pytest.mark.django_db
def test_me_returns_roles_and_teams(api_client, supervisor, team):
    api_client.force_authenticate(supervisor)
    body = api_client.get("/api/v1/me/").json()
    assert body["role"] == "Supervisor"
    assert body["roles"] == ["Supervisor"]
    assert [t["code"] for t in body["teams"]] == [team.code]
    assert body["led_teams"] == [team.pk]
    assert body["name"] == supervisor.display_name


@pytest.mark.django_db
def test_me_requires_authentication(api_client):
    assert api_client.get("/api/v1/me/").status_code in (401, 403)
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_schema_and_docs_are_served(client_for, agent):
    client = client_for(agent)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content and b"/api/v1/auth/token/" in schema.content
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_me_works_with_browser_session(client_for, agent):
    body = client_for(agent).get("/api/v1/me/").json()
    assert body["role"] == "Agent"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/orders/by-number/0/", "/api/v1/tickets/", "/api/v1/me/"])
def test_options_never_fails(api_client, manager, path):
    api_client.force_authenticate(manager)
    response = api_client.options(path)
    assert response.status_code == 200
    assert "actions" not in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/orders/?placed_before=", "/api/v1/tickets/?created_after=",
                                  "/api/v1/customers/?created_after=", "/api/v1/tickets/?sla_due_before="])
def test_odd_offsets_and_years_in_filters_never_fail(api_client, manager, path):
    api_client.force_authenticate(manager)
    assert api_client.get(path + "1318-05-12T04%3A01%3A52%2B21%3A10").status_code == 200
    assert api_client.get(path + "0001-01-01T00%3A00%3A00%2B05%3A00").status_code == 400


@pytest.mark.django_db
def test_token_authentication_reads_the_token_each_request_so_revocation_is_immediate(client):
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    user = UserFactory(username="token-user", role="Agent")
    token = Token.objects.create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    response = client.get("/api/v1/me/", **auth)
    assert response.status_code == 200 and response.json()["username"] == "token-user"
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/", **auth).status_code == 401
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/", **auth).status_code == 200
    token.delete()
    assert client.get("/api/v1/me/", **auth).status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nosuchtoken").status_code == 401


@pytest.mark.django_db
def test_a_tokens_roles_and_permissions_count_from_the_next_request():
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    user = UserFactory(username="shop-token", role="Supervisor")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.get("/api/v1/me/").json()["roles"] == ["Supervisor"]
    user.groups.set([Group.objects.get(name="Agent")])
    assert client.get("/api/v1/me/").json()["roles"] == ["Agent"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/").status_code == 401
