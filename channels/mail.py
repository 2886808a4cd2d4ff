"""Outbound e-mail of tickets: agent replies and confirmations, threaded by Message-ID, sent on commit by Celery."""

import re
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags

from channels.models import Mailbox, TicketEmail
from helpdesk.enqueue import SWEEP_BATCH, SWEEP_GRACE, enqueue_each, enqueue_on_commit
from sla.selectors import ticket_promised_times
from tickets.models import Ticket, TicketEvent, TicketMessage
from tickets.tracking import tracker_url

MAX_ATTEMPTS = 3
NUMBER_IN_SUBJECT = re.compile(r"\[#?(T\d{10,})\]")
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)


def email_subject(ticket: Ticket, *, reply: bool = True) -> str:
    """Return the subject of a mail about the ticket, its number in brackets: "Re: [T2611230007] …"."""
    subject = NUMBER_IN_SUBJECT.sub("", _REPLY_PREFIX.sub("", ticket.subject or "")).strip()
    return f"{'Re: ' if reply else ''}[{ticket.number}] {subject}".strip()[:255]


def email_sender(*, ticket: Ticket | None = None, mailboxes: list[Mailbox] | None = None) -> str:
    """Return our From address: the mailbox the ticket's mail came to, else the first active one, else the default."""
    mailbox = None
    if ticket is not None:
        mailbox = (TicketEmail.objects.filter(ticket=ticket, mailbox__isnull=False).select_related("mailbox")
                   .order_by("-created_at").first())
        mailbox = mailbox.mailbox if mailbox else None
    if mailbox is None and mailboxes is not None:
        mailbox = min((m for m in mailboxes if m.is_active), key=lambda m: m.pk, default=None)
    elif mailbox is None:
        mailbox = Mailbox.objects.filter(is_active=True).order_by("pk").first()
    return mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL


def email_own_addresses(mailboxes: list[Mailbox] | None = None) -> set[str]:
    """Return every address the helpdesk sends from (a mail from one of them is a loop)."""
    if mailboxes is None:
        mailboxes = list(Mailbox.objects.all())
    addresses = {m.address.lower() for m in mailboxes}
    addresses.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower())
    return addresses


def _message_id(sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "helpdesk.local"
    return make_msgid(domain=domain)


def _thread_headers(ticket: Ticket) -> tuple[str, str]:
    """Return In-Reply-To (the ticket's newest mail) and References (its chain, oldest first, at most 20)."""
    ids = list(TicketEmail.objects.filter(ticket=ticket).exclude(status=TicketEmail.Status.DROPPED)
               .order_by("-created_at", "-id").values_list("message_id", flat=True)[:20])
    return (ids[0] if ids else ""), " ".join(reversed(ids))


def customer_address(ticket: Ticket) -> str:
    """Return the address the customer writes from (their last inbound mail), else their archive e-mail."""
    inbound = (TicketEmail.objects.filter(ticket=ticket, direction=TicketEmail.Direction.INBOUND,
                                          status=TicketEmail.Status.RECEIVED)
               .order_by("-created_at").values_list("from_address", flat=True).first())
    return inbound or ticket.customer.email


def _queue(*, ticket: Ticket, purpose: str, to: str, message: TicketMessage | None = None, sender: str | None = None,
           thread: tuple[str, str] | None = None) -> TicketEmail:
    from channels import tasks  # the tasks call this module: imported when used

    sender = sender or email_sender(ticket=ticket)
    in_reply_to, references = thread or _thread_headers(ticket)
    email = TicketEmail.objects.create(
        direction=TicketEmail.Direction.OUTBOUND, purpose=purpose, status=TicketEmail.Status.QUEUED,
        message_id=_message_id(sender), in_reply_to=in_reply_to, references=references, from_address=sender,
        to_address=to, subject=email_subject(ticket, reply=purpose == TicketEmail.Purpose.REPLY or bool(in_reply_to)),
        ticket=ticket, ticket_message=message,
    )
    enqueue_on_commit(tasks.ticket_email_send, email_id=email.pk)
    return email


def ticket_email_reply_queue(*, message: TicketMessage) -> TicketEmail | None:
    """Queue an agent's public reply (or a notice to the customer, such as an extension) on an e-mail ticket for sending.

    None when there is nobody to write to.
    """
    ticket = message.ticket
    if (ticket.channel != Ticket.Channel.EMAIL or message.is_internal
            or message.sender not in (TicketMessage.Sender.AGENT, TicketMessage.Sender.SYSTEM)):
        return None
    to = customer_address(ticket)
    if not to:
        return None
    return _queue(ticket=ticket, purpose=TicketEmail.Purpose.REPLY, to=to, message=message)


def ticket_email_confirmation_queue(*, ticket: Ticket, to: str, sender: str | None = None,
                                    thread: tuple[str, str] | None = None) -> TicketEmail | None:
    """Queue the confirmation (受理确认) telling the customer their ticket number; ``thread`` = (In-Reply-To, References)."""
    if not to:
        return None
    return _queue(ticket=ticket, purpose=TicketEmail.Purpose.CONFIRMATION, to=to, sender=sender, thread=thread)


def _render(email: TicketEmail) -> tuple[str, str | None]:
    """Return the text body and, for an HTML reply, the HTML alternative."""
    ticket = email.ticket
    if email.purpose == TicketEmail.Purpose.CONFIRMATION:
        with translation.override(settings.LANGUAGE_CODE):
            text = render_to_string("channels/email/confirmation.txt", {
                "ticket": ticket, "tracker_url": tracker_url(ticket), "promised": ticket_promised_times(ticket=ticket)})
        return text, None
    message = email.ticket_message
    body = message.body if message else ""
    footer = f"\n\n-- \n[{ticket.number}]"
    is_html = message is not None and (message.body_format == TicketMessage.BodyFormat.HTML or (
        not message.body_format and re.search(r"<[a-zA-Z/]", body)))  # kept before formats were recorded
    if is_html:
        return strip_tags(body.replace("<br>", "\n").replace("</p>", "</p>\n")) + footer, body
    return body + footer, None


def ticket_email_send(*, email_id: int) -> str:
    """Send one queued e-mail through the configured mailer and record sent or failed; a sent mail is never resent."""
    with transaction.atomic():
        email = (TicketEmail.objects.select_for_update(of=("self",))
                 .select_related("ticket", "ticket_message").filter(pk=email_id).first())
        if email is None or email.status not in (TicketEmail.Status.QUEUED, TicketEmail.Status.FAILED):
            return email.status if email else "missing"
        if email.attempts >= MAX_ATTEMPTS:
            return email.status
        text, html = _render(email)
        headers = {"Message-ID": email.message_id, "Auto-Submitted": "auto-replied"
                   if email.purpose == TicketEmail.Purpose.CONFIRMATION else "no"}
        if email.in_reply_to:
            headers["In-Reply-To"] = email.in_reply_to
            headers["References"] = email.references or email.in_reply_to
        message = EmailMultiAlternatives(subject=email.subject, body=text, from_email=email.from_address,
                                         to=[email.to_address], headers=headers)
        if html:
            message.attach_alternative(html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except (OSError, ValueError) as error:  # smtplib.SMTPException is an OSError
            email.status, email.note = TicketEmail.Status.FAILED, f"{type(error).__name__}: {error}"[:255]
        else:
            email.status, email.sent_at, email.note = TicketEmail.Status.SENT, timezone.now(), ""
        email.save(update_fields=["status", "sent_at", "note", "attempts"])
        if email.status == TicketEmail.Status.FAILED and email.attempts >= MAX_ATTEMPTS and email.ticket_id:
            TicketEvent.objects.create(ticket_id=email.ticket_id, kind=TicketEvent.Kind.EMAIL_FAILED,
                                       to_value=email.to_address[:128], note=email.note)
        return email.status


def ticket_email_resend(*, email: TicketEmail, actor) -> TicketEmail:
    """Queue a failed outbound e-mail again with fresh attempts, recording who asked; refuse any other mail."""
    from channels import tasks  # the tasks call this module: imported when used

    with transaction.atomic():
        email = TicketEmail.objects.select_for_update(of=("self",)).get(pk=email.pk)
        if email.direction != TicketEmail.Direction.OUTBOUND or email.status != TicketEmail.Status.FAILED:
            raise ValidationError(translation.gettext("Only an e-mail that could not be sent can be sent again."))
        email.status, email.attempts, email.note = TicketEmail.Status.QUEUED, 0, ""
        email.save(update_fields=["status", "attempts", "note"])
        TicketEvent.objects.create(ticket_id=email.ticket_id, kind=TicketEvent.Kind.EMAIL_RESENT, actor=actor,
                                   to_value=email.to_address[:128])
        enqueue_on_commit(tasks.ticket_email_send, email_id=email.pk)
    return email


def ticket_email_sweep_queued(*, now=None) -> int:
    """Send the task again for outbound e-mails still queued after the grace period; return how many were sent.

    Their task was lost: Redis was down when the reply was saved, or came back empty, or a worker died
    with it. ``ticket_email_send`` locks the row and sends only a queued mail, so a mail whose first task
    turns up after all is still sent once.
    """
    from channels import tasks  # the tasks call this module: imported when used

    cutoff = (now or timezone.now()) - SWEEP_GRACE
    ids = (TicketEmail.objects.filter(status=TicketEmail.Status.QUEUED, created_at__lte=cutoff)
           .order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return enqueue_each(tasks.ticket_email_send, "email_id", list(ids))
