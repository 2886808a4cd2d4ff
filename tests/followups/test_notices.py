import datetime as dt
import hashlib
import hmac
import json
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from customers.selectors import customer_timeline
from followups import messaging, services, tasks
from followups.messaging import MessageSendError, OutgoingMessage
from followups.models import CustomerMessage, MessageEvent, SmsTemplate
from followups.providers import AlibabaSmsBackend, HttpGatewayBackend, TencentSmsBackend
from orders import services as order_services
from tests.factories import CustomerFactory
from tests.factories.orders import delivered_order
from tests.followups import provider_server as ps

SH = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 11, 3, 12, 0, tzinfo=SH)
ALIBABA = "followups.providers.AlibabaSmsBackend"
TENCENT = "followups.providers.TencentSmsBackend"
GATEWAY = "followups.providers.HttpGatewayBackend"
pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with ps.ProviderServer() as server:
        settings.SMS_ALIBABA_ACCESS_KEY_ID, settings.SMS_ALIBABA_ACCESS_KEY_SECRET = ps.ALIBABA_KEY, ps.ALIBABA_SECRET
        settings.SMS_ALIBABA_ENDPOINT = server.url
        settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY = ps.TENCENT_ID, ps.TENCENT_KEY
        settings.SMS_TENCENT_SDK_APP_ID, settings.SMS_TENCENT_ENDPOINT = "1400006666", server.url
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_SECRET = f"{server.url}/sms", ps.GATEWAY_SECRET
        settings.SMS_ALIBABA_CALLBACK_TOKEN = settings.SMS_TENCENT_CALLBACK_TOKEN = "callback-token"
        settings.NOTICE_DAILY_CAP = 5  # quiet hours stay off (tests/conftest.py) but where a test sets them
        yield server


@pytest.fixture
def templates(db):
    named, ordered = {"number": "number", "amount": "amount"}, ["number", "amount"]
    for provider, code, params in (("alibaba", "SMS_480100001", named), ("tencent", "2100001", ordered),
                                   ("gateway", "refund-v1", named)):
        SmsTemplate.objects.create(provider=provider, kind="refund_done", template_code=code, sign_name="好物商城",
                                   params=params)
    SmsTemplate.objects.create(provider="alibaba", kind="return_confirmed", template_code="SMS_480100002",
                               sign_name="好物商城", params={"number": "number"})


@pytest.fixture
def deliver_now(monkeypatch):
    """Run message_deliver tasks at once instead of through the broker."""
    monkeypatch.setattr(tasks.message_deliver, "delay", lambda **kwargs: tasks.message_deliver(**kwargs))


REFUND = OutgoingMessage(channel="sms", recipient="13800138000", body="退款 99.00 元", reference="42", kind="refund_done",
                         language="zh-hans", context={"number": "R20261103001", "amount": "99.00"})


def test_alibaba_sends_the_registered_template_signed_with_acs3(provider, templates):
    assert AlibabaSmsBackend().send(REFUND) == "biz-1"
    call = provider.calls[0]
    assert call.verified and call.headers["x-acs-action"] == "SendSms" and call.headers["x-acs-version"] == "2017-05-25"
    assert call.headers["Authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI-test-key,")
    assert call.query["PhoneNumbers"] == "13800138000" and call.query["TemplateCode"] == "SMS_480100001"
    assert call.query["SignName"] == "好物商城" and call.query["OutId"] == "42"
    assert json.loads(call.query["TemplateParam"]) == {"number": "R20261103001", "amount": "99.00"}


def test_alibaba_signature_check_catches_a_wrong_secret(provider, templates, settings):
    settings.SMS_ALIBABA_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(MessageSendError) as refused:
        AlibabaSmsBackend().send(REFUND)
    assert not provider.calls[0].verified and "SignatureDoesNotMatch" in str(refused.value)


def test_alibaba_refusal_of_a_number_is_final_and_throttling_is_retried(provider, templates):
    provider.answers["alibaba"] = lambda call: (200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
    with pytest.raises(MessageSendError) as refused:
        AlibabaSmsBackend().send(REFUND)
    assert refused.value.permanent and "非法手机号" in str(refused.value)
    provider.answers["alibaba"] = lambda call: (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"})
    with pytest.raises(MessageSendError) as throttled:
        AlibabaSmsBackend().send(REFUND)
    assert not throttled.value.permanent


@pytest.mark.parametrize("backend", [AlibabaSmsBackend, TencentSmsBackend, HttpGatewayBackend])
def test_an_unreachable_provider_is_retried_later(provider, templates, settings, backend):
    from helpdesk.embedded import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    settings.SMS_ALIBABA_ENDPOINT = settings.SMS_TENCENT_ENDPOINT = closed
    settings.SMS_GATEWAY_URL = f"{closed}/sms"
    with pytest.raises(MessageSendError) as unreachable:
        backend().send(REFUND)
    assert not unreachable.value.permanent


def test_tencent_sends_the_template_parameters_in_order_signed_with_tc3(provider, templates):
    assert TencentSmsBackend().send(REFUND) == "sn-1"
    call = provider.calls[0]
    assert call.verified and call.headers["X-TC-Action"] == "SendSms" and call.headers["X-TC-Version"] == "2021-01-11"
    assert call.json["PhoneNumberSet"] == ["+8613800138000"] and call.json["TemplateId"] == "2100001"
    assert call.json["TemplateParamSet"] == ["R20261103001", "99.00"] and call.json["SmsSdkAppId"] == "1400006666"
    assert call.json["SignName"] == "好物商城" and call.json["SessionContext"] == "42"


def test_tencent_wrong_key_is_refused_by_the_signature_check(provider, templates, settings):
    settings.SMS_TENCENT_SECRET_KEY = "wrong"
    with pytest.raises(MessageSendError) as refused:
        TencentSmsBackend().send(REFUND)
    assert not provider.calls[0].verified and refused.value.permanent


def test_gateway_posts_signed_json(provider, templates):
    assert HttpGatewayBackend().send(REFUND) == "gw-1"
    call = provider.calls[0]
    assert call.verified and call.json["to"] == "13800138000" and call.json["reference"] == "42"
    assert call.json["template_code"] == "refund-v1" and call.json["params"] == {"number": "R20261103001", "amount": "99.00"}
    assert call.json["text"] == "退款 99.00 元"


def test_a_kind_without_a_registered_template_is_a_final_error(provider):
    with pytest.raises(MessageSendError) as missing:
        AlibabaSmsBackend().send(REFUND)
    assert missing.value.permanent and not provider.calls


def _sent(backend, settings, provider_id="biz-9", **kwargs):
    settings.MESSAGE_BACKEND = backend
    customer = kwargs.pop("customer", None) or CustomerFactory()
    return CustomerMessage.objects.create(customer=customer, channel="sms", recipient=customer.phone, body="您好",
                                          status="sent", provider_id=provider_id, backend=backend, **kwargs)


def test_alibaba_receipt_marks_delivered_once_and_repeats_change_nothing(client, provider, settings):
    message = _sent(ALIBABA, settings)
    report = [{"phone_number": message.recipient, "send_time": "2026-11-03 12:00:00", "report_time": "2026-11-03 12:00:05",
               "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功", "sms_size": "1", "biz_id": "biz-9",
               "out_id": str(message.pk)}]
    url = "/api/v1/webhooks/sms/alibaba/?token=callback-token"
    first = client.post(url, report, content_type="application/json")
    assert first.status_code == 200 and first.json() == {"code": 0, "msg": "接收成功"}
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at is not None
    again = client.post(url, report, content_type="application/json")
    assert again.status_code == 200
    assert list(message.events.values_list("kind", flat=True)) == ["delivered"]


def test_tencent_failure_receipt_records_the_providers_reason(client, provider, settings):
    message = _sent(TENCENT, settings, provider_id="sn-7")
    report = [{"user_receive_time": "2026-11-03 12:00:05", "nationcode": "86", "mobile": message.recipient,
               "report_status": "FAIL", "errmsg": "MK:0001", "description": "空号", "sid": "sn-7"}]
    response = client.post("/api/v1/webhooks/sms/tencent/?token=callback-token", report, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"result": 0, "errmsg": "OK"}
    message.refresh_from_db()
    assert message.status == "failed" and message.error == "MK:0001 空号"


@pytest.mark.parametrize("url", ["/api/v1/webhooks/sms/alibaba/", "/api/v1/webhooks/sms/alibaba/?token=guess",
                                 "/api/v1/webhooks/sms/tencent/?token=", "/api/v1/webhooks/sms/gateway/"])
def test_unsigned_receipts_are_refused(client, provider, url):
    response = client.post(url, [{"biz_id": "x", "success": True}], content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"]


@pytest.mark.parametrize("body", [b"not json", b"[]", b'[{"success": true}]', b'[{"biz_id": "x", "success": "yes"}]',
                                  b'"text"'])
def test_malformed_receipts_are_400(client, provider, body):
    response = client.post("/api/v1/webhooks/sms/alibaba/?token=callback-token", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]


def test_gateway_receipt_needs_its_signature(client, provider, settings):
    message = _sent(GATEWAY, settings, provider_id="gw-3")
    body = json.dumps([{"id": "gw-3", "status": "delivered"}]).encode()
    timestamp = str(int(time.time()))
    signature = "sha256=" + hmac.new(ps.GATEWAY_SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    forged = client.post("/api/v1/webhooks/sms/gateway/", body, content_type="application/json",
                         headers={"X-Signature-Timestamp": timestamp, "X-Signature": signature[:-1] + ("0" if signature[-1] != "0" else "1")})
    assert forged.status_code == 403
    signed = client.post("/api/v1/webhooks/sms/gateway/", body, content_type="application/json",
                         headers={"X-Signature-Timestamp": timestamp, "X-Signature": signature})
    assert signed.status_code == 200 and signed.json() == {"updated": 1, "unchanged": 0, "unknown": 0}
    message.refresh_from_db()
    assert message.status == "delivered"


def test_sms_in_quiet_hours_waits_for_the_morning_then_goes(provider, templates, settings, deliver_now,
                                                            django_capture_on_commit_callbacks):
    settings.MESSAGE_BACKEND, settings.NOTICE_QUIET_HOURS = ALIBABA, "21:00-08:00"
    customer = CustomerFactory(email="")
    night = dt.datetime(2026, 11, 3, 22, 30, tzinfo=SH)
    with time_machine.travel(night, tick=False), django_capture_on_commit_callbacks(execute=True):
        message = services.notice_send(customer=customer, kind="refund_done", context={"number": "R1", "amount": "9.00"},
                                       body="已退款")
    message.refresh_from_db()
    assert message.status == "queued" and message.due_at == dt.datetime(2026, 11, 4, 8, 0, tzinfo=SH)
    assert not provider.calls and message.events.get().kind == "deferred"
    with time_machine.travel(dt.datetime(2026, 11, 4, 7, 59, tzinfo=SH), tick=False):
        assert services.message_sweep_queued() == 0
    with time_machine.travel(dt.datetime(2026, 11, 4, 8, 1, tzinfo=SH), tick=False):
        assert services.message_sweep_queued() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_id == "biz-1" and provider.calls[0].verified


def test_daily_cap_skips_marketing_and_holds_essential_notices_until_tomorrow(settings, customer_sms):
    settings.NOTICE_DAILY_CAP, settings.NOTICE_QUIET_HOURS = 1, "21:00-08:00"  # held until the quiet hours end
    customer = CustomerFactory(has_marketing_consent=True)
    with time_machine.travel(NOON, tick=False):
        first = services.notice_send(customer=customer, kind="return_approved", context={"number": "R1"}, body="已批准")
        greeting = services.notice_send(customer=customer, kind="greeting", body="节日快乐")
        refund = services.notice_send(customer=customer, kind="refund_done", context={"number": "R1"}, body="已退款")
        for message in (first, greeting, refund):
            services.message_deliver(message_id=message.pk)
    first.refresh_from_db(), greeting.refresh_from_db(), refund.refresh_from_db()
    assert first.status == "sent" and greeting.status == "skipped" and "1" in greeting.error
    assert refund.status == "queued" and refund.due_at == dt.datetime(2026, 11, 4, 8, 0, tzinfo=SH)
    assert len(messaging.outbox) == 1
    with time_machine.travel(dt.datetime(2026, 11, 4, 8, 0, tzinfo=SH), tick=False):
        services.message_deliver(message_id=refund.pk)
    refund.refresh_from_db()
    assert refund.status == "sent" and len(messaging.outbox) == 2


def test_consent_decides_non_essential_notices_only(customer_sms):
    customer = CustomerFactory(has_marketing_consent=False, has_survey_consent=False)
    survey = services.notice_send(customer=customer, kind="survey", body="请评价")
    refund = services.notice_send(customer=customer, kind="refund_done", context={"number": "R1"}, body="已退款")
    assert survey.status == "skipped" and survey.events.get().kind == "skipped"
    assert refund.status == "queued" and refund.is_essential


def test_channel_is_email_for_an_email_ticket_else_sms_else_email(customer_sms):
    from tests.factories import TicketFactory

    both = CustomerFactory()
    assert services.notice_send(customer=both, kind="refund_done", body="x").channel == "sms"
    ticket = TicketFactory(customer=both, channel="email")
    assert services.notice_send(customer=both, kind="refund_done", body="x", ticket=ticket).channel == "email"
    assert services.notice_send(customer=CustomerFactory(phone=""), kind="refund_done", body="x").channel == "email"
    nobody = services.notice_send(customer=CustomerFactory(phone="", email=""), kind="refund_done", body="x")
    assert nobody.status == "skipped"


class FlakyBackend(messaging.BaseMessageBackend):
    def send(self, message):
        raise MessageSendError("gateway timeout")


def test_failures_retry_with_exponential_backoff_then_fail(settings, customer_sms):
    settings.MESSAGE_BACKEND = "tests.followups.test_notices.FlakyBackend"
    settings.NOTICE_MAX_ATTEMPTS, settings.NOTICE_RETRY_SECONDS = 3, 60
    with time_machine.travel(NOON, tick=False):
        message = services.notice_send(customer=CustomerFactory(), kind="refund_done", body="已退款")
        services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1 and message.due_at == NOON + dt.timedelta(seconds=60)
    services.message_deliver(message_id=message.pk, now=NOON + dt.timedelta(seconds=30))  # not due yet
    message.refresh_from_db()
    assert message.attempts == 1
    services.message_deliver(message_id=message.pk, now=NOON + dt.timedelta(seconds=60))
    message.refresh_from_db()
    assert message.attempts == 2 and message.due_at == NOON + dt.timedelta(seconds=180)  # 60 s, then 120 s
    services.message_deliver(message_id=message.pk, now=NOON + dt.timedelta(seconds=180))
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 3 and message.error == "gateway timeout"
    assert list(message.events.values_list("kind", flat=True)) == ["retry", "retry", "failed"]


@pytest.fixture
def customer_sms(settings):
    settings.MESSAGE_BACKEND = "followups.messaging.LocmemBackend"
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


def test_a_phone_only_customers_return_reaches_alibaba_and_their_timeline(provider, templates, settings, deliver_now,
                                                                          manager, django_capture_on_commit_callbacks):
    settings.MESSAGE_BACKEND, settings.NOTICE_QUIET_HOURS = ALIBABA, ""  # whatever the hour the test runs at
    order = delivered_order(customer=CustomerFactory(email=""))
    line = order.items.first()
    ret = order_services.return_request_create(order=order, kind="return", reason="no_reason", items=[(line.pk, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        order_services.return_request_confirm(return_request_id=ret.pk)
    ret.refresh_from_db()
    confirmed = CustomerMessage.objects.get(customer=order.customer, kind="return_confirmed")
    assert confirmed.status == "sent" and confirmed.channel == "sms" and confirmed.is_essential
    call = provider.calls[0]
    assert call.verified and call.query["TemplateCode"] == "SMS_480100002"
    assert json.loads(call.query["TemplateParam"]) == {"number": ret.number}
    assert call.query["PhoneNumbers"] == order.customer.phone
    # The provider's receipt comes back; the timeline shows the message delivered.
    report = [{"biz_id": confirmed.provider_id, "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功"}]
    from django.test import Client

    assert Client().post("/api/v1/webhooks/sms/alibaba/?token=callback-token", report,
                         content_type="application/json").status_code == 200
    rows = customer_timeline(viewer=manager, customer=order.customer)["results"]
    shown = next(row for row in rows if row["kind"] == "outbound" and row["id"] == confirmed.pk)
    assert shown["title"] == "短信 · 已收到退换货申请 · 已送达" and ret.number in shown["detail"]
    assert MessageEvent.objects.filter(message=confirmed, kind="delivered").exists()


def test_email_notices_go_through_djangos_mail_and_an_anymail_esp(settings, customer_sms, mailoutbox):
    from tests.factories import TicketFactory

    settings.MESSAGE_EMAIL_BACKEND = "followups.messaging.DjangoMailBackend"
    customer = CustomerFactory()
    ticket = TicketFactory(customer=customer, channel="email")
    message = services.notice_send(customer=customer, kind="refund_done", context={"number": "R1"}, body="已退款",
                                   subject="您的退货 R1", ticket=ticket)
    message = services.message_deliver(message_id=message.pk)
    assert message.status == "sent" and message.channel == "email"
    assert [(m.subject, m.to, m.body) for m in mailoutbox] == [("您的退货 R1", [customer.email], "已退款")]
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    again = services.notice_send(customer=customer, kind="return_closed", body="已完结", ticket=ticket)
    assert services.message_deliver(message_id=again.pk).status == "sent"


def test_timeline_shows_a_tickets_notices_to_its_team_and_hides_them_from_others(customer_sms, agent, team):
    from tests.factories import TeamFactory, TicketFactory

    customer = CustomerFactory()
    ours = TicketFactory(customer=customer, team=team)
    theirs = TicketFactory(customer=customer, team=TeamFactory(name="其他组", code="other-team"))
    seen = services.notice_send(customer=customer, kind="return_approved", body="申请已通过", ticket=ours)
    hidden = services.notice_send(customer=customer, kind="refund_done", body="已退款", ticket=theirs)
    page = customer_timeline(viewer=agent, customer=customer)
    outbound = {row["id"] for row in page["results"] if row["kind"] == "outbound"}
    assert seen.pk in outbound and hidden.pk not in outbound and page["hidden"] >= 1


def test_system_check_warns_of_a_provider_without_credentials(settings):
    from followups.checks import message_backend_check

    settings.MESSAGE_BACKEND, settings.SMS_TENCENT_SECRET_KEY = TENCENT, ""
    settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SDK_APP_ID = "AKID", "1400006666"
    found = message_backend_check()
    assert [item.id for item in found] == ["followups.W001"] and "SMS_TENCENT_SECRET_KEY" in found[0].msg
    settings.MESSAGE_EMAIL_BACKEND = "followups.nowhere.Backend"
    assert "followups.E001" in [item.id for item in message_backend_check()]


def test_a_customer_without_phone_in_an_open_chat_is_told_there(customer_sms, django_capture_on_commit_callbacks):
    from chat.models import ChatMessage, ChatSession
    from tests.factories import ChatWidgetFactory

    customer = CustomerFactory(phone="")
    widget = ChatWidgetFactory()
    chat = ChatSession.objects.create(widget=widget, team=widget.team, customer=customer)
    message = services.notice_send(customer=customer, kind="refund_done", context={"number": "R7"}, body="R7 已退款")
    assert (message.channel, message.recipient) == ("chat", str(chat.pk))
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_deliver(message_id=message.pk)
    assert message.status == "sent" and message.provider_id.startswith("chat-")
    posted = ChatMessage.objects.get(session=chat)
    assert (posted.sender, posted.body) == ("system", "R7 已退款")
    ChatSession.objects.filter(pk=chat.pk).update(status="ended")
    late = services.notice_send(customer=customer, kind="return_closed", body="已完结")
    assert late.channel == "email"  # the chat ended: the address is next


def test_admin_registers_templates_and_shows_a_message_with_its_events(client, customer_sms):
    from tests.factories import UserFactory

    admin_user = UserFactory(username="t-admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    form = {"provider": "alibaba", "kind": "refund_done", "language": "zh-hans", "template_code": "SMS_1",
            "sign_name": "好物商城", "params": '{"no": "number"}', "is_active": "on"}
    assert client.post("/admin/followups/smstemplate/add/", form).status_code == 302
    assert SmsTemplate.objects.get().params == {"no": "number"}
    refused = client.post("/admin/followups/smstemplate/add/", {**form, "kind": "greeting", "params": '{"no": 1}'})
    assert refused.status_code == 200 and SmsTemplate.objects.count() == 1
    message = services.notice_send(customer=CustomerFactory(), kind="survey", body="请评价 https://x/s/abc/",
                                   context={"survey_url": "https://x/s/abc/"})
    page = client.get(f"/admin/followups/customermessage/{message.pk}/change/")
    shown = page.content.decode()
    assert page.status_code == 200 and "通知字段" not in shown  # the survey's live link stays out of the page


def test_anonymizing_the_archive_erases_the_messages_sent_and_stops_queued_ones(customer_sms, manager):
    from customers.services import customer_anonymize

    customer = CustomerFactory()
    sent = services.notice_send(customer=customer, kind="refund_done", context={"number": "R9"}, body="R9 已退款")
    services.message_deliver(message_id=sent.pk)
    queued = services.notice_send(customer=customer, kind="return_closed", body="已完结")
    customer_anonymize(customer=customer, actor=manager, reason="客户申请删除")
    sent.refresh_from_db(), queued.refresh_from_db()
    assert (sent.recipient, sent.context, sent.status) == ("", {}, "sent") and "R9" not in sent.body
    assert queued.status == "skipped" and services.message_deliver(message_id=queued.pk).status == "skipped"
    assert not MessageEvent.objects.filter(message=sent).exclude(note="").exists()
