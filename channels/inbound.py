"""Inbound e-mail: parse an RFC 822 message, drop loops and auto-replies, thread it onto its ticket or open one."""

import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError, MessageError
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from channels import decoding, mail
from channels.models import Mailbox, TicketEmail
from channels.routing import ticket_route
from channels.sender_check import email_sender_unverified
from customers.contacts import email_normalize
from tickets import services
from tickets.attachments import MAX_BYTES, attachment_validate
from tickets.models import Ticket, TicketMessage
from tickets.sanitizer import sanitize_html

MAX_RAW_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS = 10
MAX_BODY_CHARS = 100_000
_MSGID = re.compile(r"<[^<>\s]{1,990}>")
_COMPLAINT_WORDS = ("投诉", "complaint", "complain")
_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|do-?not-?reply|no[-_]?reply([-_.+].*)?|.*[-_.]no[-_]?reply)$")


@dataclass
class InboundResult:
    """What became of one inbound mail: created, threaded, duplicate or dropped."""

    outcome: str
    email: TicketEmail

    @property
    def ticket(self):
        return self.email.ticket


def email_parse(raw: bytes):
    """Return the parsed message; raise ValidationError when it is not a usable e-mail (no sender)."""
    if not raw or not raw.strip():
        raise ValidationError({"email": [_("The e-mail is empty.")]})
    if len(raw) > MAX_RAW_BYTES:
        raise ValidationError({"email": [_("The e-mail is larger than %(mb)d MB.") % {"mb": MAX_RAW_BYTES // 2**20}]})
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        sender = email_normalize(parseaddr(str(message.get("From", "")))[1])
    except (HeaderParseError, MessageError, ValueError, TypeError, IndexError, LookupError) as error:
        raise ValidationError({"email": [_("The e-mail cannot be parsed: %(error)s") % {"error": error}]}) from None
    if "@" not in sender:
        raise ValidationError({"email": [_("The e-mail has no sender address (From).")]})
    return message


def _header(message, name: str) -> str:
    try:
        return decoding.header_text(message, name).strip()
    except (HeaderParseError, ValueError, TypeError, IndexError, LookupError):
        return ""


def email_message_id(message, raw: bytes) -> str:
    """Return the Message-ID, or one derived from the content so the same mail is still recognised."""
    found = _MSGID.search(_header(message, "Message-ID"))
    return found.group(0) if found else f"<{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"


def email_loop_reason(message, *, own_addresses: set[str]) -> str:
    """Return why the mail is automatic and must get no ticket and no answer, or "" for a person's mail."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"[:255]
    precedence = _header(message, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Auto-Response-Suppress", "List-Id"):
        if _header(message, name):
            return f"{name} header"
    sender = email_normalize(parseaddr(_header(message, "From"))[1])
    if sender in own_addresses:
        return "From our own address"
    if _DAEMONS.match(sender.split("@")[0].lower()):
        return f"From {sender.split('@')[0]}"
    if message.get_content_type() == "multipart/report" or _header(message, "Return-Path") == "<>":
        return "Delivery report"
    return ""


def _references(message) -> list[str]:
    ids = _MSGID.findall(_header(message, "References")) + _MSGID.findall(_header(message, "In-Reply-To"))
    return list(dict.fromkeys(reversed(ids)))  # newest first


def email_thread_ticket(message, *, sender: str) -> Ticket | None:
    """Return the open ticket the mail answers: by In-Reply-To/References, then by the number in the subject.

    A number in the subject alone is trusted only from an address of that ticket's customer; a
    resolved ticket is reopened by the answer, a closed one is not (the mail opens a new ticket).
    """
    ids = _references(message)
    ticket = None
    if ids:
        found = (TicketEmail.objects.filter(message_id__in=ids, ticket__isnull=False)
                 .select_related("ticket").order_by("-created_at").first())
        ticket = found.ticket if found else None
    if ticket is None:
        number = mail.NUMBER_IN_SUBJECT.search(_header(message, "Subject"))
        candidate = Ticket.objects.filter(number=number.group(1)).first() if number else None
        if candidate is not None and candidate.customer.contacts.filter(normalized=sender).exists():
            ticket = candidate
    while ticket is not None and ticket.merged_into_id:
        ticket = ticket.merged_into
    if ticket is not None and ticket.status == Ticket.Status.CLOSED:
        return None  # a closed ticket is archived: the mail opens a new one
    return ticket


def email_body(message) -> tuple[str, str]:
    """Return the text of the mail and its format, followed by the text of any message it forwards.

    Plain text stays as written, its quoted history kept (folded where it is shown); an HTML part is
    cleaned to the safe subset. A mail mixing both comes out as HTML, its plain parts escaped.
    """
    forwards = _forwarded_messages(message)
    parts = [("", *_own_text(message, forwards=forwards))]
    for forwarded in forwards:
        header = _("Forwarded message from %(sender)s: %(subject)s") % {
            "sender": _header(forwarded, "From"), "subject": _header(forwarded, "Subject")}
        parts.append((f"---------- {header} ----------", *_own_text(forwarded)))
    if not any(is_html for _head, _text, is_html in parts):
        text = "\n\n".join(f"{head}\n{text}" if head else text for head, text, _html in parts)
        return text.strip()[:MAX_BODY_CHARS], TicketMessage.BodyFormat.TEXT
    html = "".join((format_html("<p>{}</p>", head) if head else "")
                   + (text if is_html else escape(text).replace("\n", "<br>")) for head, text, is_html in parts)
    return html.strip()[:MAX_BODY_CHARS], TicketMessage.BodyFormat.HTML


def _own_text(message, *, forwards=()) -> tuple[str, bool]:
    """Return the mail's own text part and whether it is HTML; "" when it has none (a photo or a PDF alone, a bare forward)."""
    for preference in (("plain", "html"), ("html",)):  # an empty plain part gives way to the HTML one
        try:
            part = message.get_body(preferencelist=preference)
            if part is None or any(part is inner for forwarded in forwards for inner in forwarded.walk()):
                continue
            text = decoding.part_text(part)[0]
        except (LookupError, ValueError, TypeError, KeyError, AttributeError):
            continue
        if not isinstance(text, str) or not text.strip():
            continue
        if part.get_content_type() == "text/html":
            return sanitize_html(text), True
        return text.strip(), False
    return "", False


def _forwarded_messages(message) -> list:
    """Return the messages attached whole (``message/rfc822``), as a forward sends them."""
    if not message.is_multipart():
        return []
    try:
        return [part.get_content() for part in message.iter_parts() if part.get_content_type() == "message/rfc822"]
    except (LookupError, ValueError, TypeError, KeyError, AttributeError):
        return []


def email_attachments(message) -> tuple[list[ContentFile], list[str]]:
    """Return the attachments the ticket accepts (type and size checked by content) and notes on those refused."""
    kept, refused = [], []
    try:
        if message.is_multipart():
            parts = [part for part in message.iter_attachments() if part.get_content_type() != "message/rfc822"]
        else:  # the whole mail is one file: a photo or a PDF sent without a word
            parts = [message] if message.get_content_maintype() not in ("text", "message") else []
    except (TypeError, ValueError, KeyError, AttributeError):
        return [], []
    for part in parts:
        name = (part.get_filename() or "attachment")[:200]
        try:
            content = part.get_content()
        except (LookupError, ValueError, TypeError, KeyError, AttributeError):
            refused.append(name)
            continue
        if isinstance(content, str):
            content = content.encode()
        if not isinstance(content, bytes) or len(kept) >= MAX_ATTACHMENTS or len(content) > MAX_BYTES:
            refused.append(name)
            continue
        upload = ContentFile(content, name=name)
        try:
            attachment_validate(upload)
        except ValidationError:
            refused.append(name)
            continue
        kept.append(upload)
    return kept, refused


def email_receive(*, raw: bytes, mailbox: Mailbox | None = None) -> InboundResult:
    """Turn one raw inbound e-mail into a ticket message; idempotent by Message-ID.

    Loops and auto-replies are recorded as dropped and get neither a ticket nor an answer. A new
    ticket is routed by ``ticket_route`` and the customer gets a confirmation with its number.
    """
    message = email_parse(raw)
    message_id = email_message_id(message, raw)
    existing = TicketEmail.objects.filter(message_id=message_id).select_related("ticket").first()
    if existing is not None:
        return InboundResult("duplicate", existing)
    try:
        with transaction.atomic():
            return _receive(message=message, message_id=message_id, mailbox=mailbox)
    except IntegrityError:
        # The same mail arrived twice at once (API and poller): the other one won.
        existing = TicketEmail.objects.filter(message_id=message_id).select_related("ticket").first()
        if existing is None:
            raise
        return InboundResult("duplicate", existing)


def _receive(*, message, message_id: str, mailbox: Mailbox | None) -> InboundResult:
    name, sender = parseaddr(_header(message, "From"))
    sender = email_normalize(sender)
    subject = _header(message, "Subject")[:255]
    to = ", ".join(a for _n, a in getaddresses([_header(message, "To")]) if a)[:320]
    record = TicketEmail(
        direction=TicketEmail.Direction.INBOUND, purpose=TicketEmail.Purpose.CUSTOMER, message_id=message_id,
        in_reply_to=" ".join(_MSGID.findall(_header(message, "In-Reply-To")))[:998],
        references=" ".join(_MSGID.findall(_header(message, "References"))), from_address=sender[:320],
        to_address=to, subject=subject, mailbox=mailbox, note=decoding.guess_note(message),
    )
    mailboxes = list(Mailbox.objects.all())
    if mailbox is None:
        recipients = {a.lower() for _n, a in getaddresses([_header(message, "To"), _header(message, "Cc")]) if a}
        mailbox = next((m for m in mailboxes if m.address.lower() in recipients), None)
        record.mailbox = mailbox
    reason = email_loop_reason(message, own_addresses=mail.email_own_addresses(mailboxes))
    if reason:
        record.status, record.note = TicketEmail.Status.DROPPED, reason
        record.save()
        return InboundResult("dropped", record)
    unverified = email_sender_unverified(message)
    # A sender our gateway could not verify is never threaded into a customer's ticket as that customer.
    ticket = None if unverified else email_thread_ticket(message, sender=sender)
    body, body_format = email_body(message)
    uploads, refused = email_attachments(message)
    if refused:
        note = _("Attachments not kept (type or size not allowed): %(names)s") % {"names": ", ".join(refused)}
        body += format_html("<p>{}</p>", note) if body_format == TicketMessage.BodyFormat.HTML else "\n\n" + note
    body = body.strip() or (_("(no text: the customer sent only the attached files)") if uploads else _("(empty e-mail)"))
    outcome = "threaded"
    if ticket is None:
        outcome = "created"
        customer = services.customer_find_or_create(name=name or sender.split("@")[0], email=sender)
        kind = (Ticket.Kind.COMPLAINT if any(w in subject.lower() for w in _COMPLAINT_WORDS)
                else Ticket.Kind.CONSULTATION)
        ticket = services.ticket_create(
            actor=None, customer=customer, team=ticket_route(channel=Ticket.Channel.EMAIL, kind=kind),
            subject=subject or _("E-mail from %(sender)s") % {"sender": sender}, kind=kind,
            channel=Ticket.Channel.EMAIL,
        )
    record.status, record.ticket = TicketEmail.Status.RECEIVED, ticket
    record.ticket_message = services.ticket_message_add(
        ticket=ticket, actor=None, body=body, body_format=body_format, sender=TicketMessage.Sender.CUSTOMER,
        attachments=uploads,
    )
    if unverified:
        record.note = " · ".join(part for part in (record.note, unverified) if part)[:255]
        services.ticket_message_add(
            ticket=ticket, actor=None, sender=TicketMessage.Sender.SYSTEM, is_internal=True, send_email=False,
            body=_("The sender of this e-mail was not verified (%(reason)s at our mail gateway): it was not added to "
                   "the customer's earlier tickets. Check who sent it before acting on it.") % {"reason": unverified})
    record.save()
    if outcome == "created":
        # Known here, so the confirmation needs no look-ups: our address and the one mail of the thread.
        mail.ticket_email_confirmation_queue(
            ticket=ticket, to=sender, sender=(mailbox.address if mailbox else None) or mail.email_sender(mailboxes=mailboxes),
            thread=(record.message_id, record.message_id),
        )
    return InboundResult(outcome, record)
