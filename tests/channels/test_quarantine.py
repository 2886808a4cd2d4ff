import os
import shutil
import tempfile

import pytest

from channels import inbound, mailboxes, quarantine
from channels.models import QuarantinedEmail, TicketEmail
from tests.channels.dovecot import DOVECOT, PASSWORD, USER, DovecotServer
from tests.channels.raw_mail import raw_mail
from tests.factories.channels import MailboxFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NO_SENDER = b"To: service@shop.example.com\r\nSubject: poison\r\nMessage-ID: <poison@example.com>\r\n\r\nwho sent me?\r\n"


@pytest.fixture
def dovecot():
    """A Dovecot IMAP server of its own (temporary configuration, mail and port), stopped after the test."""
    if DOVECOT is None and os.environ.get("CI"):
        pytest.fail("Dovecot is not installed: .ci/run installs dovecot-imapd")
    if DOVECOT is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd): the real-IMAP poller test needs it")
    root = tempfile.mkdtemp(prefix="helpdesk-dovecot-")
    try:
        with DovecotServer(root) as server:
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _mailbox(port):
    return MailboxFactory(address="service@shop.example.com", imap_host="127.0.0.1", imap_port=port,
                          imap_use_ssl=False, imap_username=USER, imap_password=PASSWORD)


def test_poller_against_dovecot_quarantines_the_poison_mail_and_receives_those_around_it_once(dovecot):
    dovecot.deliver(raw_mail(message_id="<before@example.com>", subject="第一封"), NO_SENDER,
                    raw_mail(sender="li@example.com", message_id="<after@example.com>", subject="第三封"))
    mailbox = _mailbox(dovecot.port)
    assert mailboxes.mailbox_poll(mailbox_id=mailbox.pk) == 2
    assert set(Ticket.objects.values_list("subject", flat=True)) == {"第一封", "第三封"}
    held = QuarantinedEmail.objects.get()
    assert bytes(held.raw).replace(b"\r\n", b"\n") == NO_SENDER.replace(b"\r\n", b"\n")
    assert held.mailbox == mailbox and held.subject == "poison" and "From" in held.reason
    mailbox.refresh_from_db()
    assert "quarantined" in mailbox.last_error and dovecot.unseen() == 0

    dovecot.deliver(raw_mail(sender="zhao@example.com", message_id="<later@example.com>", subject="第四封"))
    assert mailboxes.mailbox_poll(mailbox_id=mailbox.pk) == 1
    assert TicketEmail.objects.filter(direction="in").count() == 3 and QuarantinedEmail.objects.count() == 1
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""


def test_a_failure_of_intake_is_quarantined_whole_and_a_retry_receives_it(monkeypatch):
    mailbox = MailboxFactory(address="service@shop.example.com")
    raw = raw_mail(subject="照片", body="", attachments=())

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(quarantine, "email_receive", broken)
    outcome, held = quarantine.email_intake(raw=raw, mailbox=mailbox)
    assert outcome == "quarantined" and bytes(held.raw) == raw and held.reason == "RuntimeError: database went away"
    assert quarantine.quarantine_retry(held=held) == "quarantined"
    held.refresh_from_db()
    assert held.attempts == 2 and held.released_email is None

    monkeypatch.setattr(quarantine, "email_receive", inbound.email_receive)
    assert quarantine.quarantine_retry(held=held) == "created"
    held.refresh_from_db()
    assert held.released_email.ticket.subject == "照片" and held.retried_at is not None


def test_admin_lists_quarantined_mail_and_its_retry_action_receives_it(client_for, admin_user):
    held = QuarantinedEmail.objects.create(raw=raw_mail(subject="重试我"), reason="RuntimeError: boom",
                                           subject="重试我", from_address="wang.fang@example.com")
    client = client_for(admin_user)
    page = client.get("/admin/channels/quarantinedemail/")
    assert page.status_code == 200 and "重试我" in page.content.decode() and "重试所选邮件" in page.content.decode()
    response = client.post("/admin/channels/quarantinedemail/",
                           {"action": "retry", "_selected_action": [held.pk]}, follow=True)
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.released_email is not None and Ticket.objects.filter(subject="重试我").exists()
