"""The IMAP poller: fetch unseen mail of each configured mailbox and receive it like the inbound API does."""

import imaplib
import logging
import socket

from django.core.cache import cache
from django.utils import timezone

from channels.quarantine import email_intake
from channels.models import Mailbox

logger = logging.getLogger(__name__)

BATCH = 50
TIMEOUT_SECONDS = 30
LOCK_SECONDS = 120


def mailbox_sweep() -> int:
    """Enqueue one poll per active mailbox with an IMAP host; return how many."""
    from channels import tasks  # the tasks call this module: imported when used

    ids = list(Mailbox.objects.filter(is_active=True).exclude(imap_host="").values_list("pk", flat=True))
    for mailbox_id in ids:
        tasks.mailbox_poll.delay(mailbox_id=mailbox_id)
    return len(ids)


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    klass = imaplib.IMAP4_SSL if mailbox.imap_use_ssl else imaplib.IMAP4
    connection = klass(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT_SECONDS)
    connection.login(mailbox.imap_username, mailbox.imap_password)
    status, _data = connection.select(mailbox.imap_folder or "INBOX")
    if status != "OK":
        raise imaplib.IMAP4.error(f"cannot select {mailbox.imap_folder}")
    return connection


def mailbox_poll(*, mailbox_id: int) -> int:
    """Receive up to ``BATCH`` unseen mails of one mailbox, marking each seen once stored; return how many.

    One poll per mailbox at a time (a Redis lock); a mail received twice is harmless (idempotent by Message-ID).
    A mail that cannot be processed is quarantined and marked seen: the mails behind it are still received,
    and the mailbox's last error names it.
    """
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).exclude(imap_host="").first()
    lock = f"tickets:mailbox-poll:{mailbox_id}"
    if mailbox is None or not cache.add(lock, 1, LOCK_SECONDS):
        return 0
    received, error = 0, ""
    try:
        connection = _connect(mailbox)
        try:
            _status, data = connection.uid("search", None, "UNSEEN")
            for uid in (data[0] or b"").split()[:BATCH]:
                _status, parts = connection.uid("fetch", uid, "(BODY.PEEK[])")
                raw = next((p[1] for p in parts or [] if isinstance(p, tuple) and len(p) > 1), None)
                if raw:
                    _outcome, held = email_intake(raw=raw, mailbox=mailbox)
                    if held is not None:
                        error = f"mail {uid.decode()} quarantined: {held.reason}"[:1000]
                    else:
                        received += 1
                connection.uid("store", uid, "+FLAGS", "(\\Seen)")
        finally:
            try:
                connection.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
    except (imaplib.IMAP4.error, OSError, socket.timeout) as failure:
        error = f"{type(failure).__name__}: {failure}"[:1000]
        logger.warning("mailbox %s: %s", mailbox.pk, error)
    finally:
        cache.delete(lock)
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=error)
    return received
