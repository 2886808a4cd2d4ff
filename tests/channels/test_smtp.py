"""Outbound mail through a real SMTP server: delivered whole and threaded, a refusal retried, nothing sent twice."""

import email
from email.policy import default as default_policy

import pytest
from django.core.exceptions import ValidationError

from channels import mail, tasks
from channels.inbound import email_receive
from channels.models import TicketEmail
from helpdesk.embedded import free_port
from tests.channels.raw_mail import raw_mail
from tests.channels.smtp_server import smtp_server
from tickets import services
from tickets.models import Ticket, TicketEvent, TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def port(settings):
    port = free_port()
    settings.MAILERS = {"default": {"BACKEND": "channels.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10}}}
    return port


def reply_queued(agent, body: str) -> TicketEmail:
    ticket = email_receive(raw=raw_mail(message_id="<first@example.com>")).ticket
    services.ticket_message_add(ticket=ticket, actor=agent, body=body, sender=TicketMessage.Sender.AGENT)
    return TicketEmail.objects.get(ticket=ticket, purpose=TicketEmail.Purpose.REPLY)


def delivered(maildir) -> list:
    return [email.message_from_bytes(maildir.get_bytes(key), policy=default_policy) for key in maildir.keys()]


def test_a_reply_arrives_whole_and_threaded(tmp_path, port, agent):
    reply = reply_queued(agent, "您好，<退货地址>已发到您的邮箱 & 请查收。")
    with smtp_server(tmp_path / "maildir", port) as maildir:
        assert mail.ticket_email_send(email_id=reply.pk) == TicketEmail.Status.SENT
        [message] = delivered(maildir)
    assert message["Message-ID"] == reply.message_id and message["In-Reply-To"]
    assert "<first@example.com>" in message["References"]
    assert message["To"] == reply.to_address and message["Subject"] == reply.subject
    assert "您好，<退货地址>已发到您的邮箱 & 请查收。" in message.get_body(("plain",)).get_content()


def test_a_refused_send_is_retried_and_delivered_once(tmp_path, port, agent):
    reply = reply_queued(agent, "已为您补发。")
    with smtp_server(tmp_path / "maildir", port, refusals=1) as maildir:
        outcome = tasks.ticket_email_send.apply(args=[reply.pk])  # its retry runs at once when applied in process
        assert outcome.get() == TicketEmail.Status.SENT
        assert len(delivered(maildir)) == 1
        assert mail.ticket_email_send(email_id=reply.pk) == TicketEmail.Status.SENT
        assert len(delivered(maildir)) == 1
    reply.refresh_from_db()
    assert reply.attempts == 2 and reply.sent_at and reply.note == ""


def test_a_server_that_is_down_leaves_the_mail_failed_with_the_reason(tmp_path, port, agent):
    reply = reply_queued(agent, "已为您补发。")
    assert tasks.ticket_email_send.apply(args=[reply.pk]).get() == TicketEmail.Status.FAILED
    reply.refresh_from_db()
    assert reply.attempts == mail.MAX_ATTEMPTS and "ConnectionRefusedError" in reply.note
    with smtp_server(tmp_path / "maildir", port) as maildir:
        assert mail.ticket_email_send(email_id=reply.pk) == TicketEmail.Status.FAILED  # the attempts are spent
        assert delivered(maildir) == []
    [failed] = TicketEvent.objects.filter(ticket=reply.ticket, kind=TicketEvent.Kind.EMAIL_FAILED)
    assert failed.to_value == reply.to_address and "ConnectionRefusedError" in failed.note


def test_an_agent_sends_a_failed_mail_again_once_the_server_is_back(tmp_path, port, agent, client_for, team):
    reply = reply_queued(agent, "已为您补发。")
    Ticket.objects.filter(pk=reply.ticket_id).update(team=team)
    tasks.ticket_email_send.apply(args=[reply.pk])
    page = client_for(agent).get(f"/tickets/{reply.ticket_id}/")
    assert 'data-testid="email-resend"' in page.content.decode()
    with smtp_server(tmp_path / "maildir", port) as maildir:
        answer = client_for(agent).post(f"/tickets/{reply.ticket_id}/email-resend/", {"email": reply.pk})
        assert answer.status_code == 302
        reply.refresh_from_db()
        assert reply.status == TicketEmail.Status.QUEUED and reply.attempts == 0 and reply.note == ""
        assert tasks.ticket_email_send.apply(args=[reply.pk]).get() == TicketEmail.Status.SENT
        assert len(delivered(maildir)) == 1
    resent = TicketEvent.objects.get(ticket=reply.ticket, kind=TicketEvent.Kind.EMAIL_RESENT)
    assert resent.actor == agent and resent.to_value == reply.to_address
    again = client_for(agent).post(f"/tickets/{reply.ticket_id}/email-resend/", {"email": reply.pk}, follow=True)
    assert "只有发送失败的邮件才能重新发送。" in again.content.decode()
    assert TicketEvent.objects.filter(ticket=reply.ticket, kind=TicketEvent.Kind.EMAIL_RESENT).count() == 1


def test_a_mail_of_another_ticket_is_not_found(port, agent, client_for, team):
    reply = reply_queued(agent, "已为您补发。")
    tasks.ticket_email_send.apply(args=[reply.pk])
    other = email_receive(raw=raw_mail(message_id="<other@example.com>", subject="另一封")).ticket
    Ticket.objects.filter(pk__in=[reply.ticket_id, other.pk]).update(team=team)
    assert client_for(agent).get(f"/tickets/{other.pk}/").status_code == 200
    answer = client_for(agent).post(f"/tickets/{other.pk}/email-resend/", {"email": reply.pk})
    assert answer.status_code == 404


def test_a_reply_reaches_an_internationalised_address(tmp_path, port, agent):
    ticket = email_receive(raw=raw_mail(sender="jdöe@mächine.example", message_id="<idn@example.com>")).ticket
    services.ticket_message_add(ticket=ticket, actor=agent, body="收到，谢谢。", sender=TicketMessage.Sender.AGENT)
    reply = TicketEmail.objects.get(ticket=ticket, purpose=TicketEmail.Purpose.REPLY)
    assert reply.to_address == "jdöe@mächine.example"
    with smtp_server(tmp_path / "maildir", port, smtputf8=True) as maildir:
        assert mail.ticket_email_send(email_id=reply.pk) == TicketEmail.Status.SENT
        [message] = delivered(maildir)
    assert message["X-RcptTo"] == "jdöe@mächine.example"  # the envelope, as the server took it
    assert message["To"] == "jdöe@xn--mchine-bua.example"  # the same address, its domain in punycode
    assert "收到，谢谢。" in message.get_body(("plain",)).get_content()


def test_a_server_without_smtputf8_gives_a_reason_for_an_internationalised_address(tmp_path, port, agent):
    ticket = email_receive(raw=raw_mail(sender="jdöe@mächine.example")).ticket
    services.ticket_message_add(ticket=ticket, actor=agent, body="收到。", sender=TicketMessage.Sender.AGENT)
    reply = TicketEmail.objects.get(ticket=ticket, purpose=TicketEmail.Purpose.REPLY)
    with smtp_server(tmp_path / "maildir", port) as maildir:
        assert mail.ticket_email_send(email_id=reply.pk) == TicketEmail.Status.FAILED
        assert delivered(maildir) == []
    reply.refresh_from_db()
    assert "SMTPNotSupported" in reply.note


def test_a_resend_is_sent_once_it_commits(port, agent, django_capture_on_commit_callbacks):
    reply = reply_queued(agent, "已为您补发。")
    tasks.ticket_email_send.apply(args=[reply.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        mail.ticket_email_resend(email=reply, actor=agent)
    assert len(callbacks) == 1
    with pytest.raises(ValidationError):
        mail.ticket_email_resend(email=reply, actor=agent)  # queued already: nothing to send again
