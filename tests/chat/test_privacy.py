"""Personal data in chat text: masked for agents (API, inbox stream), in clear for the customer, revealed with a reason."""


import pytest
from django.conf import settings as django_settings
from django.test import Client

from chat import services
from chat.models import ChatEvent, ChatMessage
from customers.models import PiiReveal
from customers.services import customer_anonymize
from tests.chat.test_stream import Stream, customer_url
from tests.chat_server import server  # noqa: F401 - fixture
from tests.factories import ChatWidgetFactory

TEXT = "我的手机13912345678，邮箱wang@example.com，单号SF1234567890123"
MASKED = "我的手机139****5678，邮箱w***@example.com，单号SF1234567890123"


@pytest.fixture
def chat(team, agent):
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    services.chat_accept(session=session, agent=agent)
    session.said = services.chat_message_post(session=session, sender="customer", body=TEXT)
    return session


@pytest.mark.django_db
def test_agent_api_masks_chat_text_the_customer_sees_it_as_written(api_client, agent, supervisor, chat):
    api_client.force_authenticate(agent)
    said = api_client.get(f"/api/v1/chat/agent/sessions/{chat.pk}/").json()["messages"][-1]
    assert (said["body"], said["is_masked"]) == (MASKED, True)
    reply = api_client.post(f"/api/v1/chat/agent/sessions/{chat.pk}/messages/", {"body": "已记下 13912345678"}, format="json")
    assert reply.status_code == 201 and reply.json()["body"] == "已记下 139****5678"
    api_client.force_authenticate(None)
    widget_side = api_client.get(f"/api/v1/chat/sessions/{chat.pk}/", HTTP_X_CHAT_TOKEN=chat.token).json()["messages"]
    assert [m["body"] for m in widget_side][-2:] == [TEXT, "已记下 13912345678"]
    api_client.force_authenticate(supervisor)
    assert api_client.get(f"/api/v1/chat/agent/sessions/{chat.pk}/").json()["messages"][-2]["body"] == TEXT
    assert ChatMessage.objects.get(pk=chat.said.pk).body == TEXT


@pytest.mark.django_db
def test_agent_reveals_one_chat_message_with_a_reason(api_client, agent, chat):
    api_client.force_authenticate(agent)
    url = f"/api/v1/chat/agent/sessions/{chat.pk}/reveal/"
    response = api_client.post(url, {"message": chat.said.pk, "reason": "回电确认"}, format="json")
    assert response.status_code == 200 and response.json() == {"message": chat.said.pk, "body": TEXT}
    reveal = PiiReveal.objects.get(viewer=agent)
    assert (reveal.field, reveal.customer_id, reveal.source) == ("message", chat.customer_id, f"chat {chat.pk} #{chat.said.seq}")
    assert api_client.post(url, {"message": chat.said.pk}, format="json").status_code == 400
    other = services.chat_session_start(widget=chat.widget, name="李四", phone="13700137000", message="在吗")
    foreign = other.messages.get()
    assert api_client.post(url, {"message": foreign.pk, "reason": "看看"}, format="json").status_code == 400
    assert PiiReveal.objects.filter(viewer=agent).count() == 1


@pytest.mark.django_db
def test_reveal_in_an_anonymous_visitors_chat_is_audited_without_a_customer(api_client, agent, team, settings):
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), customer_token="forged.00", name="访客")
    message = services.chat_message_post(session=session, sender="customer", body="电话 021-62345678")
    api_client.force_authenticate(agent)
    said = api_client.get(f"/api/v1/chat/agent/sessions/{session.pk}/").json()["messages"][-1]
    assert said["body"] == "电话 021****5678"
    response = api_client.post(f"/api/v1/chat/agent/sessions/{session.pk}/reveal/",
                               {"message": message.pk, "reason": "回电"}, format="json")
    assert response.json()["body"] == "电话 021-62345678"
    audit = api_client.get("/api/v1/audit/pii-reveals/")
    assert audit.status_code == 403  # agents do not read the audit
    assert PiiReveal.objects.get(viewer=agent).customer_id is None


@pytest.mark.django_db
def test_chat_reveals_count_against_the_hourly_limit(api_client, agent, chat, settings):
    settings.PII_REVEALS_PER_HOUR = 1
    api_client.force_authenticate(agent)
    url = f"/api/v1/chat/agent/sessions/{chat.pk}/reveal/"
    assert api_client.post(url, {"message": chat.said.pk, "reason": "回电"}, format="json").status_code == 200
    refused = api_client.post(url, {"message": chat.said.pk, "reason": "回电"}, format="json")
    assert refused.status_code == 429 and "Retry-After" in refused.headers


@pytest.mark.django_db
def test_anonymize_erases_the_customers_chat_text_and_masks_agents_messages(manager, agent, chat):
    reply = services.chat_message_post(session=chat, sender="agent", actor=agent, body="好的，寄到上海市浦东新区张江路123号")
    customer_anonymize(actor=manager, customer=chat.customer, reason="客户申请")
    chat.refresh_from_db()
    said, reply = ChatMessage.objects.get(pk=chat.said.pk), ChatMessage.objects.get(pk=reply.pk)
    assert "13912345678" not in said.body and "wang@" not in said.body
    assert reply.body == "好的，寄到上海市浦东新****"
    assert (chat.visitor_name, chat.visitor_phone, chat.ip_address) == ("", "", None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout_sensitive
def test_agent_inbox_stream_masks_chat_text(server, team, agent):  # noqa: F811 - fixture
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    services.chat_message_post(session=session, sender="customer", body="旧消息 13912345678")
    client = Client()
    client.force_login(agent)
    cookies = {django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value}
    inbox = Stream(f"{server}/chat/inbox/stream/", headers={"Last-Event-ID": "0"}, cookies=cookies)
    assert inbox.next("message")["data"]["message"]["body"] == "旧消息 139****5678"  # the replay, sent once subscribed
    services.chat_message_post(session=session, sender="customer", body=TEXT)
    live = inbox.next("message")["data"]["message"]
    assert (live["body"], live["is_masked"]) == (MASKED, True)
    customer = Stream(customer_url(server, session))
    assert [customer.next("message")["data"]["body"] for _ in range(2)] == ["旧消息 13912345678", TEXT]
    inbox.close()
    customer.close()


@pytest.mark.django_db
def test_anonymize_masks_chat_event_notes(manager, agent, chat):
    services.chat_transfer(session=chat, actor=agent, to_team=chat.team, note="客户改用13912345678联系")
    customer_anonymize(actor=manager, customer=chat.customer, reason="客户申请")
    assert ChatEvent.objects.get(session=chat, kind="transferred").note == "客户改用139****5678联系"


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout_sensitive
def test_agent_inbox_stream_masks_chat_event_notes(server, team, agent, supervisor):  # noqa: F811 - fixture
    session = services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明", phone="13800138000")
    services.chat_accept(session=session, agent=agent)
    services.chat_transfer(session=session, actor=agent, to_team=team, note="客户改用13912345678联系")
    notes = {}
    for user in (agent, supervisor):
        client = Client()
        client.force_login(user)
        cookies = {django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value}
        inbox = Stream(f"{server}/chat/inbox/stream/", headers={"Last-Event-ID": "0"}, cookies=cookies)
        notes[user.username] = inbox.next("transferred")["data"]["note"]
        inbox.close()
    assert notes == {agent.username: "客户改用139****5678联系", supervisor.username: "客户改用13912345678联系"}
