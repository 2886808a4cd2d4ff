"""Personal data in tickets' text: reveal a masked message with a reason; erase what a customer wrote (PIPL)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from customers.models import PiiReveal
from customers.privacy import mask_text
from customers.services import pii_reveal_record
from tickets.models import Attachment, Ticket, TicketEvent, TicketMessage

REDACTED_BODY = "〔内容已应客户个人信息删除请求清除〕"


def ticket_text_reveal(*, viewer, ticket: Ticket, message: TicketMessage | None, reason: str,
                       part: str = "description") -> str:
    """Return the text of one message of the ticket in clear, audited; without a message its description or subject.

    The reveal counts against the viewer's hourly limit like a reveal of an archive field.
    """
    if message is not None and message.ticket_id != ticket.pk:
        raise ValidationError({"message": [_("This ticket has no such message.")]})
    if message is not None:
        text, source = message.body, f"{ticket.number} #{message.pk}"
    elif part == "subject":
        text, source = ticket.subject, f"{ticket.number} subject"
    else:
        text, source = ticket.description, ticket.number
    pii_reveal_record(viewer=viewer, customer_id=ticket.customer_id, field=PiiReveal.Field.MESSAGE, reason=reason,
                      source=source)
    return text


def stored_files_delete(files: list) -> None:
    """Delete stored files after the commit; a missing file is fine."""
    for file in files:
        try:
            file.storage.delete(file.name)
        except OSError:  # pragma: no cover - storage unavailable: the rows are gone, the file is an orphan
            pass


def ticket_customer_content_erase(*, customer_id: int, actor) -> dict[str, int]:
    """Erase what the customer wrote in their tickets and the personal data in what agents wrote; record it on each ticket.

    The customer's messages, the descriptions and the customer's attachments go; agents' replies,
    internal notes and event notes stay with the phones, e-mails, identity numbers and addresses in
    them masked for good; subjects (and the subjects a change recorded) are masked likewise. Must run inside the caller's transaction (the
    anonymization), so either everything is erased or nothing. The tickets keep status, times and kind.
    """
    tickets = list(Ticket.objects.select_for_update().filter(customer_id=customer_id).only("pk", "subject", "description"))
    if not tickets:
        return {"tickets": 0, "messages": 0, "attachments": 0, "masked": 0}
    ticket_ids = [t.pk for t in tickets]
    messages = TicketMessage.objects.filter(ticket_id__in=ticket_ids, sender=TicketMessage.Sender.CUSTOMER)
    message_ids = list(messages.values_list("pk", flat=True))
    attachments = list(Attachment.objects.filter(
        Q(message_id__in=message_ids) | Q(ticket_id__in=ticket_ids, message__isnull=True, uploaded_by__isnull=True)))
    files = [a.file for a in attachments if a.file]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    erased = TicketMessage.objects.filter(pk__in=message_ids).exclude(body=REDACTED_BODY).update(body=REDACTED_BODY)
    for ticket in tickets:
        subject, description = mask_text(ticket.subject), REDACTED_BODY if ticket.description else ""
        if (subject, description) != (ticket.subject, ticket.description):
            Ticket.objects.filter(pk=ticket.pk).update(subject=subject, description=description)
    masked = stored_texts_mask(TicketMessage.objects.filter(ticket_id__in=ticket_ids).exclude(
        sender=TicketMessage.Sender.CUSTOMER), "body")
    events = TicketEvent.objects.filter(ticket_id__in=ticket_ids)
    masked += stored_texts_mask(events.exclude(note=""), "note")
    # A subject change keeps the subject before and after it.
    subjects = events.filter(kind=TicketEvent.Kind.SUBJECT)
    masked += stored_texts_mask(subjects, "from_value") + stored_texts_mask(subjects, "to_value")
    per_ticket = {}
    for ticket_id in TicketMessage.objects.filter(pk__in=message_ids).values_list("ticket_id", flat=True):
        per_ticket[ticket_id] = per_ticket.get(ticket_id, 0) + 1
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket_id=ticket_id, kind=TicketEvent.Kind.NOTE, actor=actor if getattr(actor, "pk", None) else None,
                    note=_("Personal-information request: the customer's messages (%(messages)d) and attachments were erased.")
                    % {"messages": per_ticket.get(ticket_id, 0)})
        for ticket_id in ticket_ids
    ])
    transaction.on_commit(lambda: stored_files_delete(files))
    return {"tickets": len(ticket_ids), "messages": erased, "attachments": len(attachments), "masked": masked}


def stored_texts_mask(rows, field: str) -> int:
    """Store the text field of each row with the personal data in it masked; return how many rows changed.

    A masked e-mail can be longer than the one written: the text is cut to the field's length.
    """
    changed, limit = 0, rows.model._meta.get_field(field).max_length
    for pk, text in rows.values_list("pk", field):
        masked = mask_text(text)[:limit] if limit else mask_text(text)
        if masked != text:
            row = rows.model.objects.filter(pk=pk)
            # Audit rows (helpdesk/events.py) refuse update(); erasing personal data is their one allowed change.
            (row.redact if hasattr(row, "redact") else row.update)(**{field: masked})
            changed += 1
    return changed
