"""A NUL character, which PostgreSQL text cannot hold, is refused with 400 wherever a request carries it."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_a_json_body_with_nul_in_a_value_or_a_key_is_refused(api_client, agent):
    api_client.force_authenticate(agent)
    for body in ({"carrier": "SF\x00", "tracking": "1"}, {"note\x00": "x"}, {"items": [{"sku": ["\x00"]}]}):
        response = api_client.post("/api/v1/returns/1/ship_exchange/", json.dumps(body), content_type="application/json")
        assert response.status_code == 400, body
        assert "NUL" in response.json()["detail"]


def test_a_query_string_with_nul_is_refused_on_the_api_and_the_pages(api_client, client_for, agent):
    api_client.force_authenticate(agent)
    response = api_client.get("/api/v1/tickets/?channel=%00web")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    response = client_for(agent).get("/tickets/?q=a%00b")
    assert response.status_code == 400 and b"NUL" in response.content
    response = api_client.get("/api/v1/orders/by-number/A%00B/")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


def test_a_form_body_with_nul_is_refused(client):
    response = client.post("/login/", {"username": "agent\x00", "password": "x"})
    assert response.status_code == 400


def test_text_without_nul_goes_through(api_client, agent):
    api_client.force_authenticate(agent)
    assert api_client.get("/api/v1/tickets/?channel=web").status_code == 200
    response = api_client.post("/api/v1/returns/999999/ship_exchange/", {"carrier": "SF", "tracking": "1"}, format="json")
    assert response.status_code in (400, 404)


def test_form_data_that_cannot_be_read_is_the_api_json_400(client_for, admin_user):
    response = client_for(admin_user).post("/api/v1/orders/import/", data=b"--0fdb\r\nx\r\n--0fdb--",
                                           content_type="multipart/form-data; boundary=")
    assert response.status_code == 400 and response["Content-Type"] == "application/json" and response.json()["detail"]
