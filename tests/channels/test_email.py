import pytest
from django.core import mail as outbox_mail
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from channels import mail
from channels.inbound import email_receive
from channels.models import TicketEmail
from customers.models import CustomerContact
from sla.models import TicketSLATimer
from tests.channels.raw_mail import PNG, raw_mail
from tests.factories import UserFactory
from tests.factories.channels import MailboxFactory
from tickets import services
from tickets.models import Attachment, Ticket, TicketMessage

pytestmark = pytest.mark.django_db


def _send_all():
    for email in TicketEmail.objects.filter(status=TicketEmail.Status.QUEUED):
        mail.ticket_email_send(email_id=email.pk)


def test_new_mail_opens_a_routed_email_ticket_for_the_customer_and_confirms_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = email_receive(raw=raw_mail(subject="投诉：商品破损"))
    ticket = result.ticket
    assert result.outcome == "created"
    assert ticket.channel == Ticket.Channel.EMAIL and ticket.kind == Ticket.Kind.COMPLAINT
    assert ticket.team.code == "aftersales"
    assert ticket.customer.name == "王芳"
    assert CustomerContact.objects.filter(customer=ticket.customer, normalized="wang.fang@example.com").exists()
    message = ticket.messages.get()
    assert message.sender == TicketMessage.Sender.CUSTOMER and "还没有到" in message.body
    confirmation = TicketEmail.objects.get(purpose=TicketEmail.Purpose.CONFIRMATION)
    assert confirmation.to_address == "wang.fang@example.com" and confirmation.in_reply_to == "<m1@example.com>"
    # The confirmation sent, the ticket announced to routing; besides them only live events for open pages.
    assert len([callback for callback in callbacks if callback.__module__ != "helpdesk.live"]) == 2
    _send_all()
    sent = outbox_mail.outbox[0]
    assert ticket.number in sent.subject and ticket.number in sent.body
    assert sent.extra_headers["In-Reply-To"] == "<m1@example.com>"
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"


def test_same_mail_twice_creates_one_message():
    first = email_receive(raw=raw_mail())
    second = email_receive(raw=raw_mail())
    assert second.outcome == "duplicate" and second.ticket == first.ticket
    assert TicketMessage.objects.count() == 1 and Ticket.objects.count() == 1


def test_mail_without_message_id_is_still_idempotent():
    email_receive(raw=raw_mail(message_id=None))
    assert email_receive(raw=raw_mail(message_id=None)).outcome == "duplicate"
    assert Ticket.objects.count() == 1


def test_agent_reply_goes_out_threaded_and_the_customer_answer_threads_back(agent):
    ticket = email_receive(raw=raw_mail()).ticket
    services.ticket_message_add(ticket=ticket, actor=agent, body="您好，已为您查询。", sender=TicketMessage.Sender.AGENT)
    reply = TicketEmail.objects.get(purpose=TicketEmail.Purpose.REPLY)
    assert reply.status == TicketEmail.Status.QUEUED and reply.to_address == "wang.fang@example.com"
    _send_all()
    reply.refresh_from_db()
    assert reply.status == TicketEmail.Status.SENT and reply.sent_at is not None
    sent = [m for m in outbox_mail.outbox if m.extra_headers["Message-ID"] == reply.message_id][0]
    assert sent.subject == f"Re: [{ticket.number}] 订单问题"
    assert "<m1@example.com>" in sent.extra_headers["References"]
    answer = email_receive(raw=raw_mail(message_id="<m2@example.com>", subject=f"Re: {sent.subject}",
                                        headers={"In-Reply-To": reply.message_id, "References": reply.message_id}))
    assert answer.outcome == "threaded" and answer.ticket == ticket
    assert ticket.messages.count() == 3
    assert TicketEmail.objects.filter(purpose=TicketEmail.Purpose.CONFIRMATION).count() == 1


def test_internal_notes_and_other_channels_send_nothing(agent):
    ticket = email_receive(raw=raw_mail()).ticket
    services.ticket_message_add(ticket=ticket, actor=agent, body="内部", sender=TicketMessage.Sender.AGENT, is_internal=True)
    chat = Ticket.objects.create(number="T0000000001", subject="x", customer=ticket.customer, team=ticket.team)
    services.ticket_message_add(ticket=chat, actor=agent, body="hi", sender=TicketMessage.Sender.AGENT)
    assert not TicketEmail.objects.filter(purpose=TicketEmail.Purpose.REPLY).exists()


def test_ticket_number_in_subject_threads_only_for_the_customers_own_address():
    ticket = email_receive(raw=raw_mail()).ticket
    own = email_receive(raw=raw_mail(message_id="<m3@example.com>", subject=f"补充 [{ticket.number}]"))
    assert own.outcome == "threaded" and own.ticket == ticket
    stranger = email_receive(raw=raw_mail(sender="x@evil.example", message_id="<m4@example.com>",
                                          subject=f"[{ticket.number}] hi"))
    assert stranger.outcome == "created" and stranger.ticket != ticket


@pytest.mark.parametrize("headers, sender", [
    ({"Auto-Submitted": "auto-replied"}, "王芳 <wang.fang@example.com>"),
    ({"Precedence": "bulk"}, "王芳 <wang.fang@example.com>"),
    ({"Precedence": "junk"}, "王芳 <wang.fang@example.com>"),
    ({"Precedence": "list"}, "王芳 <wang.fang@example.com>"),
    ({"X-Autoreply": "yes"}, "王芳 <wang.fang@example.com>"),
    ({}, "MAILER-DAEMON@mx.example.com"),
    ({"X-Auto-Response-Suppress": "All"}, "王芳 <wang.fang@example.com>"),
    ({"List-Id": "<news.shop.example.com>"}, "王芳 <wang.fang@example.com>"),
    ({}, "orders-noreply@shop.example.com"),
    ({}, "NoReply-Alerts@shop.example.com"),
    ({}, "no_reply@shop.example.com"),
    ({}, "DoNotReply@shop.example.com"),
    ({}, "do-not-reply@shop.example.com"),
    ({}, "Postmaster@shop.example.com"),
    ({}, "service@shop.example.com"),
])
def test_auto_replies_and_loops_are_dropped_without_ticket_or_answer(headers, sender):
    MailboxFactory(address="service@shop.example.com")
    result = email_receive(raw=raw_mail(sender=sender, headers=headers))
    assert result.outcome == "dropped" and result.email.note
    assert result.email.status == TicketEmail.Status.DROPPED
    assert not Ticket.objects.exists()
    assert TicketEmail.objects.count() == 1  # no confirmation


def test_auto_submitted_no_is_a_person():
    assert email_receive(raw=raw_mail(headers={"Auto-Submitted": "no"})).outcome == "created"


def test_html_is_sanitized_and_attachments_kept_or_refused():
    result = email_receive(raw=raw_mail(
        body="", html='<p onclick="x()">看<b>图</b></p><script>alert(1)</script>',
        attachments=[("photo.png", PNG, "image", "png"), ("virus.exe", b"MZ\x90\x00", "application", "octet-stream")],
    ))
    message = result.ticket.messages.get()
    assert "<script" not in message.body and "onclick" not in message.body
    assert Attachment.objects.filter(message=message, content_type="image/png").count() == 1
    assert "virus.exe" in message.body  # the refusal is noted, the file is not kept


def test_email_ticket_runs_on_the_sla_engine(agent, sla_defaults):
    ticket = email_receive(raw=raw_mail()).ticket
    first = TicketSLATimer.objects.get(ticket=ticket, target="first_response")
    assert first.due_at is not None and first.met_at is None
    services.ticket_message_add(ticket=ticket, actor=agent, body="回复", sender=TicketMessage.Sender.AGENT)
    first.refresh_from_db()
    assert first.met_at is not None
    email_receive(raw=raw_mail(message_id="<m5@example.com>", headers={"In-Reply-To": "<m1@example.com>"}))
    nxt = TicketSLATimer.objects.get(ticket=ticket, target="next_response")
    assert nxt.met_at is None and nxt.due_at is not None


def test_failed_send_is_recorded(settings, agent):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2}}}
    ticket = email_receive(raw=raw_mail()).ticket
    services.ticket_message_add(ticket=ticket, actor=agent, body="回复", sender=TicketMessage.Sender.AGENT)
    reply = TicketEmail.objects.get(purpose=TicketEmail.Purpose.REPLY)
    assert mail.ticket_email_send(email_id=reply.pk) == TicketEmail.Status.FAILED
    reply.refresh_from_db()
    assert reply.attempts == 1 and "Error" in reply.note


def test_sent_mail_is_never_sent_again(agent):
    email_receive(raw=raw_mail())
    confirmation = TicketEmail.objects.get(purpose=TicketEmail.Purpose.CONFIRMATION)
    mail.ticket_email_send(email_id=confirmation.pk)
    mail.ticket_email_send(email_id=confirmation.pk)
    assert len(outbox_mail.outbox) == 1


# The inbound API.

@pytest.fixture
def gateway(api_client):
    user = UserFactory(username="mail-gateway")
    user.user_permissions.add(Permission.objects.get(codename="receive_email"))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api_client


def _post(client, raw, content_type="message/rfc822"):
    return client.generic("POST", "/api/v1/inbound/email/", raw, content_type=content_type)


def test_api_receives_raw_mail_once(gateway):
    response = _post(gateway, raw_mail())
    assert response.status_code == 201 and response.json()["outcome"] == "created"
    assert response.json()["ticket"] == Ticket.objects.get().number
    again = _post(gateway, raw_mail())
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"


def test_api_reports_a_dropped_auto_reply(gateway):
    response = _post(gateway, raw_mail(headers={"Auto-Submitted": "auto-generated"}))
    assert response.status_code == 200 and response.json()["outcome"] == "dropped"


@pytest.mark.parametrize("raw", [b"", b"   ", b"not an e-mail at all", b"From: nobody\r\n\r\nhi", b"\xff\xfe\x00garbage"])
def test_api_bad_input_is_400(gateway, raw):
    assert _post(gateway, raw).status_code == 400


def test_api_keeps_a_mail_it_cannot_process_in_the_quarantine(gateway, monkeypatch):
    from channels.api import views as channel_views
    from channels.models import QuarantinedEmail

    def broken(**kwargs):
        raise RuntimeError("charset table missing")

    monkeypatch.setattr(channel_views, "email_receive", broken)
    response = _post(gateway, raw_mail(subject="要退款"))
    assert response.status_code == 202 and response.json()["outcome"] == "quarantined"
    held = QuarantinedEmail.objects.get()
    assert held.subject == "要退款" and held.reason == "RuntimeError: charset table missing"


def test_api_json_body_is_400(gateway):
    assert gateway.post("/api/v1/inbound/email/", {"x": 1}, format="json").status_code in (400, 415)


def test_api_needs_the_receive_permission(api_client, agent):
    assert _post(api_client, raw_mail()).status_code in (401, 403)
    api_client.force_authenticate(agent)
    assert _post(api_client, raw_mail()).status_code == 403
    assert agent.has_perm("tickets.view_ticket") and not Ticket.objects.exists()


def test_ticket_page_shows_the_send_status_of_a_mailed_reply(client_for, agent, team):
    ticket = email_receive(raw=raw_mail()).ticket
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    services.ticket_message_add(ticket=ticket, actor=agent, body="回复", sender=TicketMessage.Sender.AGENT)
    page = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert page.count('data-testid="email-status"') == 2  # the customer's mail and the queued reply


def test_quoted_earlier_mail_is_kept_and_folded_on_the_ticket_page(client_for, agent, team):
    ticket = email_receive(raw=raw_mail()).ticket
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    email_receive(raw=raw_mail(message_id="<q@example.com>", headers={"In-Reply-To": "<m1@example.com>"},
                               body="好的，谢谢。\n\n在 2026年11月23日 写道：\n> 您好，已为您查询。\n> 第二行"))
    reply = ticket.messages.order_by("-id").first()
    assert reply.body.startswith("好的，谢谢。") and "> 第二行" in reply.body  # kept whole
    page = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert '<div class="msg-body">好的，谢谢。<details class="msg-quote"><summary>' in page
    assert "&gt; 您好，已为您查询。<br>&gt; 第二行</details>" in page


def test_plain_text_is_kept_as_written_and_escaped_where_it_is_shown(client_for, manager):
    body = "请回复 <wang.fang@example.com>，见 <http://shop.example.com/o/1>\n3 > 2 & <b>不是粗体</b>"
    ticket = email_receive(raw=raw_mail(body=body)).ticket
    message = ticket.messages.get()
    assert (message.body, message.body_format) == (body, TicketMessage.BodyFormat.TEXT)
    page = client_for(manager).get(f"/tickets/{ticket.pk}/").content.decode()  # sees personal data in clear
    assert ("请回复 &lt;wang.fang@example.com&gt;，见 &lt;http://shop.example.com/o/1&gt;<br>"
            "3 &gt; 2 &amp; &lt;b&gt;不是粗体&lt;/b&gt;") in page


def test_an_html_mail_is_cleaned_and_kept_as_html():
    message = email_receive(raw=raw_mail(body="", html='<p onclick="x()">看<b>图</b></p><script>alert(1)</script>')).ticket.messages.get()
    assert message.body_format == TicketMessage.BodyFormat.HTML and message.body == "<p>看<b>图</b></p>"


def test_a_plain_text_reply_is_mailed_as_plain_text_even_with_angle_brackets(agent):
    ticket = email_receive(raw=raw_mail()).ticket
    services.ticket_message_add(ticket=ticket, actor=agent, body="请发到 <returns@shop.example.com>，谢谢",
                                sender=TicketMessage.Sender.AGENT)
    _send_all()
    sent = next(sent for sent in outbox_mail.outbox if "请发到" in sent.body)
    assert "请发到 <returns@shop.example.com>，谢谢" in sent.body and not sent.alternatives


def test_mail_to_a_configured_mailbox_is_answered_from_that_address(agent):
    mailbox = MailboxFactory(address="after-sales@shop.example.com")
    result = email_receive(raw=raw_mail(to="售后 <After-Sales@shop.example.com>"))
    assert result.email.mailbox == mailbox
    confirmation = TicketEmail.objects.get(purpose=TicketEmail.Purpose.CONFIRMATION)
    assert confirmation.from_address == "after-sales@shop.example.com"
    assert confirmation.message_id.endswith("@shop.example.com>")


def test_answer_to_a_closed_ticket_opens_a_new_one_and_a_resolved_one_reopens():
    ticket = email_receive(raw=raw_mail()).ticket
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)
    again = email_receive(raw=raw_mail(message_id="<r1@example.com>", headers={"In-Reply-To": "<m1@example.com>"}))
    ticket.refresh_from_db()
    assert again.ticket == ticket and ticket.status == Ticket.Status.OPEN
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    late = email_receive(raw=raw_mail(message_id="<r2@example.com>", headers={"In-Reply-To": "<m1@example.com>"}))
    assert late.outcome == "created" and late.ticket != ticket


def test_mails_still_queued_after_the_grace_period_are_sent_again_once(agent, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from channels import tasks
    from helpdesk.enqueue import SWEEP_GRACE

    email_receive(raw=raw_mail())  # its confirmation's task is lost: nothing ran it
    confirmation = TicketEmail.objects.get(purpose=TicketEmail.Purpose.CONFIRMATION)
    sent = []
    monkeypatch.setattr(tasks.ticket_email_send, "delay", lambda **kwargs: sent.append(kwargs))
    assert mail.ticket_email_sweep_queued() == 0  # still within the grace period: its own task may yet come
    later = timezone.now() + SWEEP_GRACE + timedelta(seconds=1)
    assert mail.ticket_email_sweep_queued(now=later) == 1 and sent == [{"email_id": confirmation.pk}]
    tasks.ticket_email_send(**sent[0])
    tasks.ticket_email_send(**sent[0])  # the lost task turns up after all
    assert len(outbox_mail.outbox) == 1
    assert mail.ticket_email_sweep_queued(now=later) == 0  # sent: nothing left to sweep


def _photo_only_mail() -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "李雷 <li.lei@example.com>", "service@shop.example.com", "破损照片"
    message["Message-ID"] = "<photo@example.com>"
    message.set_content(PNG, maintype="image", subtype="png", disposition="attachment", filename="破损.png")
    return bytes(message)


def _forwarded_mail() -> bytes:
    from email.message import EmailMessage
    from email.policy import default

    inner = EmailMessage(policy=default)
    inner["From"], inner["Subject"] = "shop@example.com", "订单已发货"
    inner.set_content("您的订单已发货。")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "韩梅梅 <han@example.com>", "service@shop.example.com", "Fwd: 订单已发货"
    message["Message-ID"] = "<fwd@example.com>"
    message.add_attachment(inner)  # message/rfc822 and nothing else
    return bytes(message)


def test_a_mail_with_only_a_photo_opens_a_ticket_with_the_photo():
    result = email_receive(raw=_photo_only_mail())
    assert result.outcome == "created"
    message = result.ticket.messages.get()
    assert message.sender == TicketMessage.Sender.CUSTOMER
    assert list(Attachment.objects.filter(message=message).values_list("name", flat=True)) == ["破损.png"]


def test_a_forwarded_message_without_a_text_of_its_own_opens_a_ticket():
    result = email_receive(raw=_forwarded_mail())
    assert result.outcome == "created" and result.ticket.subject == "Fwd: 订单已发货"
    body = result.ticket.messages.get().body
    assert "shop@example.com" in body and "您的订单已发货。" in body
