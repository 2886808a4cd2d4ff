"""Live chat API: the widget side (session token, no login) and the agent side."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat import services
from chat.models import AgentPresence, ChatSession
from helpdesk.roles import Role
from tests.factories import ChatWidgetFactory, UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def generous_session_rate(settings):
    """Every test posts from 127.0.0.1; the rate-limit test sets its own rate and addresses."""
    settings.CHAT_SESSION_RATE = "10000/min"


@pytest.fixture
def widget(team):
    return ChatWidgetFactory(team=team, key="shop-api")


def _start(api_client, widget, **extra):
    response = api_client.post("/api/v1/chat/sessions/", {"shop": widget.key, "name": "王小明", "phone": "13800138000", **extra},
                               format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _token(data):
    return {"HTTP_X_CHAT_TOKEN": data["token"]}


def test_widget_info_says_whether_an_agent_is_online(api_client, widget, agent):
    assert api_client.get(f"/api/v1/chat/widgets/{widget.key}/").json()["agents_online"] is False
    services.agent_presence_set(user=agent, status=AgentPresence.Status.ONLINE)
    assert api_client.get(f"/api/v1/chat/widgets/{widget.key}/").json()["agents_online"] is True


def test_unknown_shop_is_404(api_client):
    response = api_client.post("/api/v1/chat/sessions/", {"shop": "nope", "name": "a", "phone": "13800138000"}, format="json")
    assert response.status_code == 404


def test_create_post_and_read_back(api_client, widget):
    data = _start(api_client, widget, message="你好")
    response = api_client.post(f"/api/v1/chat/sessions/{data['session']}/messages/", {"body": "<b>在吗</b>"},
                               format="json", **_token(data))
    assert response.status_code == 201
    assert response.json()["seq"] == 2
    detail = api_client.get(f"/api/v1/chat/sessions/{data['session']}/", **_token(data)).json()
    assert [m["body"] for m in detail["messages"]] == ["你好", "<b>在吗</b>"]  # stored as text, shown as text


def test_wrong_token_is_404(api_client, widget):
    data = _start(api_client, widget)
    response = api_client.post(f"/api/v1/chat/sessions/{data['session']}/messages/", {"body": "x"}, format="json",
                               HTTP_X_CHAT_TOKEN="wrong")
    assert response.status_code == 404


def test_ten_thousand_character_message_is_400_naming_the_limit(api_client, widget):
    data = _start(api_client, widget)
    response = api_client.post(f"/api/v1/chat/sessions/{data['session']}/messages/", {"body": "字" * 10_000},
                               format="json", **_token(data))
    assert response.status_code == 400
    assert str(services.MAX_MESSAGE_CHARS) in response.json()["body"][0]


def test_image_upload_accepts_png_and_refuses_other_files(api_client, widget):
    data = _start(api_client, widget)
    url = f"/api/v1/chat/sessions/{data['session']}/images/"
    ok = api_client.post(url, {"image": SimpleUploadedFile("a.png", PNG)}, format="multipart", **_token(data))
    assert ok.status_code == 201 and ok.json()["image"]
    image = api_client.get(ok.json()["image"], **_token(data))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert api_client.get(ok.json()["image"]).status_code == 404
    assert api_client.get(ok.json()["image"] + f"?token={data['token']}").status_code == 404  # never in a URL
    fake = api_client.post(url, {"image": SimpleUploadedFile("a.png", b"<html>not an image</html>")}, format="multipart",
                           **_token(data))
    assert fake.status_code == 400 and "image" in fake.json()
    pdf = api_client.post(url, {"image": SimpleUploadedFile("a.pdf", b"%PDF-1.4 ...")}, format="multipart", **_token(data))
    assert pdf.status_code == 400


def test_oversized_image_is_400(api_client, widget, settings):
    data = _start(api_client, widget)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (services.MAX_IMAGE_BYTES + 1))
    response = api_client.post(f"/api/v1/chat/sessions/{data['session']}/images/", {"image": big}, format="multipart",
                               **_token(data))
    assert response.status_code == 400
    assert "5 MB" in response.json()["image"][0]


def test_read_and_typing(api_client, widget):
    data = _start(api_client, widget, message="hi")
    base = f"/api/v1/chat/sessions/{data['session']}"
    assert api_client.post(f"{base}/read/", {"seq": 1}, format="json", **_token(data)).status_code == 204
    assert api_client.post(f"{base}/read/", {"seq": 2**40}, format="json", **_token(data)).status_code == 400
    assert api_client.post(f"{base}/typing/", **_token(data)).status_code == 204


def test_session_creation_is_rate_limited_per_ip(api_client, widget, settings):
    settings.CHAT_SESSION_RATE = "3/min"
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    codes = [api_client.post("/api/v1/chat/sessions/", {"shop": widget.key, "name": "a", "phone": "13800138000"},
                             format="json", REMOTE_ADDR=ip).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    other_ip = api_client.post("/api/v1/chat/sessions/", {"shop": widget.key, "name": "a", "phone": "13800138000"},
                               format="json", REMOTE_ADDR=ip + "1")
    assert other_ip.status_code == 201


def test_leave_message_creates_a_ticket(api_client, widget):
    response = api_client.post(f"/api/v1/chat/widgets/{widget.key}/leave-message/",
                               {"name": "赵六", "phone": "13700000000", "body": "请回电"}, format="json")
    assert response.status_code == 201
    assert response.json()["ticket_number"].startswith("T")


def test_agent_lists_accepts_answers_and_ends(api_client, widget, agent, team):
    data = _start(api_client, widget, message="在吗")
    api_client.force_authenticate(agent)
    waiting = api_client.get("/api/v1/chat/agent/sessions/?view=waiting").json()
    assert [row["id"] for row in waiting] == [data["session"]]
    base = f"/api/v1/chat/agent/sessions/{data['session']}"
    assert api_client.post(f"{base}/accept/").status_code == 200
    other = UserFactory(username="t-agent-c", role=Role.AGENT, teams=[team])
    api_client.force_authenticate(other)
    assert api_client.post(f"{base}/accept/").status_code == 409
    api_client.force_authenticate(agent)
    assert api_client.post(f"{base}/messages/", {"body": "您好"}, format="json").status_code == 201
    assert [row["id"] for row in api_client.get("/api/v1/chat/agent/sessions/?view=mine").json()] == [data["session"]]
    ended = api_client.post(f"{base}/end/", {"resolve": True}, format="json")
    assert ended.status_code == 200
    assert ChatSession.objects.get(pk=data["session"]).ticket.number == ended.json()["ticket_number"]


def test_agent_message_language_warning_then_send_anyway(api_client, widget, agent):
    from tests.factories import ForbiddenPhraseFactory

    ForbiddenPhraseFactory(phrase="测试禁语甲", suggestion="我帮您查一下")
    data = _start(api_client, widget)
    api_client.force_authenticate(agent)
    base = f"/api/v1/chat/agent/sessions/{data['session']}"
    api_client.post(f"{base}/accept/")
    warned = api_client.post(f"{base}/messages/", {"body": "这个测试禁语甲"}, format="json")
    assert warned.status_code == 400 and warned.json()["language"][0]["suggestion"] == "我帮您查一下"
    sent = api_client.post(f"{base}/messages/", {"body": "这个测试禁语甲", "confirm_language": True}, format="json")
    assert sent.status_code == 201


def test_agent_of_another_team_cannot_see_the_chat(api_client, widget, other_team):
    data = _start(api_client, widget)
    outsider = UserFactory(username="t-agent-o", role=Role.AGENT, teams=[other_team])
    api_client.force_authenticate(outsider)
    assert api_client.post(f"/api/v1/chat/agent/sessions/{data['session']}/accept/").status_code == 404
    assert api_client.get("/api/v1/chat/agent/sessions/?view=waiting").json() == []


def test_agent_api_needs_login(api_client):
    assert api_client.get("/api/v1/chat/agent/sessions/").status_code in (401, 403)


def test_presence_switch(api_client, agent):
    api_client.force_authenticate(agent)
    assert api_client.get("/api/v1/chat/agent/presence/").json()["status"] == "offline"
    response = api_client.post("/api/v1/chat/agent/presence/", {"status": "online"}, format="json")
    assert response.json() == {"status": "online", "max_chats": 5, "open_chats": 0}
    assert api_client.post("/api/v1/chat/agent/presence/", {"status": "dancing"}, format="json").status_code == 400


def test_transfer_bad_ids_are_400_not_500(api_client, widget, agent):
    data = _start(api_client, widget)
    api_client.force_authenticate(agent)
    base = f"/api/v1/chat/agent/sessions/{data['session']}"
    api_client.post(f"{base}/accept/")
    assert api_client.post(f"{base}/transfer/", {"team": 2**62}, format="json").status_code == 400
    assert api_client.post(f"{base}/transfer/", {"team": 2**70}, format="json").status_code == 400
    assert api_client.post(f"{base}/transfer/", {}, format="json").status_code == 400
    assert api_client.get(f"/api/v1/chat/agent/sessions/{2**70}/").status_code == 404


def test_chat_endpoints_are_in_the_openapi_schema(client, agent):
    client.force_login(agent)
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/chat/sessions/", "/api/v1/chat/sessions/{id}/messages/", "/api/v1/chat/sessions/{id}/images/",
                 "/api/v1/chat/agent/sessions/{id}/accept/", "/api/v1/chat/agent/sessions/{id}/transfer/",
                 "/api/v1/chat/agent/sessions/{id}/end/", "/api/v1/chat/agent/presence/"):
        assert path in schema["paths"], path


def test_the_stream_url_carries_a_stream_ticket_never_the_visitor_token(api_client, widget):
    data = _start(api_client, widget)
    assert data["token"] not in data["stream"] and "ticket=" in data["stream"] and data["stream_expires_in"] == 60
    ticket = api_client.post(f"/api/v1/chat/sessions/{data['session']}/stream/", **_token(data))
    assert ticket.status_code == 201 and data["token"] not in ticket.json()["stream"]
    assert api_client.post(f"/api/v1/chat/sessions/{data['session']}/stream/").status_code == 404
