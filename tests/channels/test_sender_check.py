"""A sender our mail gateway could not verify (DMARC, or SPF without DMARC) is never threaded into a customer's ticket."""

import pytest

from channels.inbound import email_receive
from channels.sender_check import email_sender_unverified
from tests.channels.raw_mail import raw_mail
from tickets.models import TicketMessage

pytestmark = pytest.mark.django_db
GATEWAY = "mx.shop.example.com"


def _reply(results: str) -> bytes:
    return raw_mail(message_id="<r1@example.com>", body="请把退款打到这个新账户",
                    headers={"In-Reply-To": "<m1@example.com>", "Authentication-Results": results})


def test_a_reply_failing_dmarc_at_our_gateway_opens_a_flagged_ticket_instead(settings):
    settings.EMAIL_AUTHSERV_IDS = [GATEWAY]
    first = email_receive(raw=raw_mail()).ticket
    result = email_receive(raw=_reply(f"{GATEWAY}; spf=pass smtp.mailfrom=example.com; dmarc=fail header.from=example.com"))
    assert result.outcome == "created" and result.ticket != first
    assert first.messages.count() == 1
    note = result.ticket.messages.get(is_internal=True)
    assert note.sender == TicketMessage.Sender.SYSTEM and "DMARC fail" in note.body
    assert "DMARC fail" in result.email.note


def test_the_same_reply_verified_or_vouched_for_by_nobody_we_trust_threads_as_usual(settings):
    settings.EMAIL_AUTHSERV_IDS = [GATEWAY]
    first = email_receive(raw=raw_mail()).ticket
    forged = email_receive(raw=_reply("evil.example.net; dmarc=pass; spf=pass"))
    assert forged.outcome == "threaded" and forged.ticket == first  # a header anyone could write decides nothing


@pytest.mark.parametrize(("results", "reason"), [
    (f"{GATEWAY}; dmarc=fail", "DMARC fail"),
    (f"{GATEWAY} 1; spf=fail smtp.mailfrom=x", "SPF fail"),
    (f"{GATEWAY}; spf=fail; dmarc=pass", ""),  # DMARC passed through DKIM
    (f"{GATEWAY}; spf=softfail", ""),
    (f"{GATEWAY}; dmarc=pass", ""),
    ("other.example.net; dmarc=fail", ""),
])
def test_only_our_gateways_results_count(settings, results, reason):
    from email import message_from_bytes, policy

    settings.EMAIL_AUTHSERV_IDS = [GATEWAY]
    message = message_from_bytes(raw_mail(headers={"Authentication-Results": results}), policy=policy.default)
    assert email_sender_unverified(message) == reason


def test_with_no_gateway_configured_no_header_is_trusted(settings):
    settings.EMAIL_AUTHSERV_IDS = []
    first = email_receive(raw=raw_mail()).ticket
    assert email_receive(raw=_reply(f"{GATEWAY}; dmarc=fail")).ticket == first
