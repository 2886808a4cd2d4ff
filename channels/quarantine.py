"""Intake of one raw mail that never fails: what cannot be processed is quarantined whole, with the reason."""

import logging
from email import message_from_bytes, policy

from django.db import transaction
from django.utils import timezone

from channels import decoding
from channels.inbound import email_receive
from channels.models import Mailbox, QuarantinedEmail

logger = logging.getLogger(__name__)


def _reason(error: Exception) -> str:
    messages = getattr(error, "messages", None)
    return f"{type(error).__name__}: {'; '.join(messages) if messages else error}"[:2000]


def _summary(raw: bytes) -> tuple[str, str]:
    try:
        message = message_from_bytes(raw, policy=policy.compat32)
        return decoding.header_text(message, "From")[:320], decoding.header_text(message, "Subject")[:255]
    except Exception:  # noqa: BLE001 - the summary is a courtesy; the raw bytes are what is kept
        return "", ""


def email_intake(*, raw: bytes, mailbox: Mailbox | None = None) -> tuple[str, QuarantinedEmail | None]:
    """Receive one raw mail; return its outcome ("created", "threaded", "duplicate", "dropped" or "quarantined")."""
    try:
        return email_receive(raw=raw, mailbox=mailbox).outcome, None
    except Exception as error:  # noqa: BLE001 - any failure of one mail is kept for an admin, never raised
        return "quarantined", email_quarantine(raw=raw, mailbox=mailbox, error=error)


def email_quarantine(*, raw: bytes, mailbox: Mailbox | None, error: Exception) -> QuarantinedEmail:
    """Keep a mail intake could not process whole, with the reason, for an admin to look at and retry."""
    logger.warning("inbound mail quarantined (mailbox %s): %s", mailbox.pk if mailbox else "-", error, exc_info=True)
    sender, subject = _summary(raw)
    with transaction.atomic():
        return QuarantinedEmail.objects.create(mailbox=mailbox, raw=bytes(raw or b""), reason=_reason(error),
                                               from_address=sender, subject=subject)


def quarantine_retry(*, held: QuarantinedEmail) -> str:
    """Receive a quarantined mail again; on success release it (kept, linked to its e-mail), else record the reason."""
    try:
        result = email_receive(raw=bytes(held.raw), mailbox=held.mailbox)
    except Exception as error:  # noqa: BLE001 - it stays quarantined with the new reason
        QuarantinedEmail.objects.filter(pk=held.pk).update(
            reason=_reason(error), attempts=held.attempts + 1, retried_at=timezone.now())
        return "quarantined"
    QuarantinedEmail.objects.filter(pk=held.pk).update(
        released_email=result.email, attempts=held.attempts + 1, retried_at=timezone.now())
    return result.outcome
