"""Every message of the corpus (public mail-library fixtures and hand-written edge cases) through the poller's intake."""

import json
from pathlib import Path

import pytest

from channels.models import QuarantinedEmail, TicketEmail
from channels.quarantine import email_intake
from tests.factories.channels import MailboxFactory

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
OUTCOMES = {"created", "threaded", "duplicate", "dropped", "quarantined"}


def _messages():
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("LICENSE", "SOURCES", "README.md")
                  and p.suffix != ".json")


def test_manifest_names_every_message_and_the_corpus_is_large():
    names = {str(p.relative_to(CORPUS)) for p in _messages()}
    assert names == set(MANIFEST) and len(names) >= 150
    assert {entry["outcome"] for entry in MANIFEST.values()} <= OUTCOMES
    # Quarantined only for a refusal (no usable sender): no message of the corpus makes intake itself fail.
    assert {entry["reason"] for entry in MANIFEST.values() if "reason" in entry} == {"ValidationError"}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_message_has_its_expected_outcome(name):
    expected = MANIFEST[name]
    mailbox = MailboxFactory(address="service@shop.example.com")
    outcome, held = email_intake(raw=(CORPUS / name).read_bytes(), mailbox=mailbox)
    assert outcome == expected["outcome"], held.reason if held else outcome
    if outcome == "quarantined":
        assert bytes(QuarantinedEmail.objects.get().raw) == (CORPUS / name).read_bytes() and held.mailbox == mailbox
        assert held.reason.startswith(expected["reason"] + ":")
        return
    email = TicketEmail.objects.get(direction="in")
    if outcome == "dropped":
        assert email.note == expected["note"] and email.ticket is None
    if outcome in ("created", "threaded"):
        message = email.ticket_message
        assert message.body.strip(), "text never dropped: a body or a placeholder"
        assert "\x00" not in message.body
        if "subject" in expected:
            assert expected["subject"] in email.ticket.subject
        if "body" in expected:
            assert expected["body"] in message.body
        if "attachments" in expected:
            assert message.attachments.count() == expected["attachments"]
        if "guessed" in expected:
            assert ("Charset guessed" in email.note) is expected["guessed"]
        if "sender" in expected:  # an internationalised address (RFC 6531), the customer's contact as written
            assert email.from_address == expected["sender"]
            assert email.ticket.customer.contacts.filter(normalized=expected["sender"]).exists()
