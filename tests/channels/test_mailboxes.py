import pytest

from channels import mailboxes
from channels.models import Mailbox, TicketEmail
from tests.channels.fake_imap import FakeImapServer
from tests.channels.raw_mail import raw_mail
from tests.factories.channels import MailboxFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _mailbox(server, **extra):
    return MailboxFactory(address="service@shop.example.com", imap_host="127.0.0.1", imap_port=server.port,
                          imap_use_ssl=False, imap_username="service", imap_password="secret", **extra)


def test_poll_receives_unseen_mail_marks_it_seen_and_is_idempotent():
    messages = {
        1: raw_mail(message_id="<a@example.com>"),
        2: raw_mail(sender="auto@example.com", message_id="<b@example.com>", headers={"Auto-Submitted": "auto-replied"}),
        3: raw_mail(sender="li@example.com", message_id="<c@example.com>", subject="咨询尺码"),
    }
    with FakeImapServer(messages) as server:
        mailbox = _mailbox(server)
        assert mailboxes.mailbox_poll(mailbox_id=mailbox.pk) == 3
        assert server.seen == {1, 2, 3}
        server.seen.clear()  # the server forgets the flags: the same mails come again
        mailboxes.mailbox_poll(mailbox_id=mailbox.pk)
    assert Ticket.objects.count() == 2
    assert TicketEmail.objects.filter(status=TicketEmail.Status.DROPPED).count() == 1
    assert TicketEmail.objects.filter(mailbox=mailbox, direction="in").count() == 3
    mailbox.refresh_from_db()
    assert mailbox.last_polled_at is not None and mailbox.last_error == ""


def test_bad_credentials_are_recorded_not_raised():
    with FakeImapServer({}) as server:
        mailbox = _mailbox(server)
        Mailbox.objects.filter(pk=mailbox.pk).update(imap_password="wrong")
        assert mailboxes.mailbox_poll(mailbox_id=mailbox.pk) == 0
    mailbox.refresh_from_db()
    assert "bad credentials" in mailbox.last_error


def test_unreachable_server_is_recorded():
    mailbox = MailboxFactory(imap_host="127.0.0.1", imap_port=1, imap_use_ssl=False)
    assert mailboxes.mailbox_poll(mailbox_id=mailbox.pk) == 0
    mailbox.refresh_from_db()
    assert mailbox.last_error


def test_sweep_polls_only_configured_active_mailboxes():
    MailboxFactory()  # API-only mailbox: no IMAP host
    MailboxFactory(imap_host="imap.example.com", is_active=False)
    assert mailboxes.mailbox_sweep() == 0
    MailboxFactory(imap_host="imap.example.com")
    from unittest import mock

    with mock.patch("channels.tasks.mailbox_poll.delay") as delay:
        assert mailboxes.mailbox_sweep() == 1
    assert delay.call_count == 1


def test_beat_schedule_has_the_mailbox_sweep():
    from helpdesk.celery import app

    entry = app.conf.beat_schedule["tickets-mailbox-sweep"]
    assert entry["task"] == "tickets.mailbox_sweep"
    assert "tickets.mailbox_poll" in app.tasks and "tickets.ticket_email_send" in app.tasks
