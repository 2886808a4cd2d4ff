"""Celery tasks of the e-mail channel: send one e-mail, poll mailboxes (thin: one service call each)."""

from celery import shared_task

from channels import mail, mailboxes

# Task names are what queued messages and the beat schedule carry: they stay "tickets.…" wherever the code lives.


@shared_task(name="tickets.ticket_email_send", bind=True, max_retries=mail.MAX_ATTEMPTS - 1, expires=3600)
def ticket_email_send(self, email_id: int) -> str:
    """Send one queued ticket e-mail; a failed send (SMTP down) is tried again a minute later, up to the limit."""
    outcome = mail.ticket_email_send(email_id=email_id)
    if outcome == "failed" and self.request.retries < self.max_retries:
        raise self.retry(countdown=60 * (self.request.retries + 1))
    return outcome


@shared_task(name="tickets.ticket_email_sweep_queued", expires=50)
def ticket_email_sweep_queued() -> int:
    """Send again the e-mails still queued after the grace period (their task was lost)."""
    return mail.ticket_email_sweep_queued()


@shared_task(name="tickets.mailbox_sweep", expires=50)
def mailbox_sweep() -> int:
    """Enqueue one poll per active IMAP mailbox (nothing when none is configured)."""
    return mailboxes.mailbox_sweep()


@shared_task(name="tickets.mailbox_poll", expires=110)
def mailbox_poll(mailbox_id: int) -> int:
    """Fetch and receive the unseen mail of one mailbox."""
    return mailboxes.mailbox_poll(mailbox_id=mailbox_id)
