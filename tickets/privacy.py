"""Personal-information requests (PIPL) on tickets: erase what a customer wrote, keep the tickets for statistics."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from customers.privacy import mask_text
from tickets.models import Attachment, Ticket, TicketEvent, TicketMessage

REDACTED_BODY = "〔内容已应客户个人信息删除请求清除〕"


def _files_delete(files: list) -> None:
    """Delete stored files after the commit; a missing file is fine."""
    for file in files:
        try:
            file.storage.delete(file.name)
        except OSError:  # pragma: no cover - storage unavailable: the rows are gone, the file is an orphan
            pass


def ticket_customer_content_erase(*, customer_id: int, actor) -> dict[str, int]:
    """Erase the customer's own message bodies and attachments and mask contacts in subjects; record it on each ticket.

    Must run inside the caller's transaction (the anonymization), so either everything is erased or nothing.
    Agents' replies and internal notes stay (masked on display as ever); the tickets keep status, times and kind.
    """
    tickets = list(Ticket.objects.select_for_update().filter(customer_id=customer_id).only("pk", "subject"))
    if not tickets:
        return {"tickets": 0, "messages": 0, "attachments": 0}
    ticket_ids = [t.pk for t in tickets]
    messages = TicketMessage.objects.filter(ticket_id__in=ticket_ids, sender=TicketMessage.Sender.CUSTOMER)
    message_ids = list(messages.values_list("pk", flat=True))
    attachments = list(Attachment.objects.filter(
        Q(message_id__in=message_ids) | Q(ticket_id__in=ticket_ids, message__isnull=True, uploaded_by__isnull=True)))
    files = [a.file for a in attachments if a.file]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    erased = TicketMessage.objects.filter(pk__in=message_ids).exclude(body=REDACTED_BODY).update(body=REDACTED_BODY)
    for ticket in tickets:
        masked = mask_text(ticket.subject)
        if masked != ticket.subject:
            Ticket.objects.filter(pk=ticket.pk).update(subject=masked)
    per_ticket = {}
    for ticket_id in TicketMessage.objects.filter(pk__in=message_ids).values_list("ticket_id", flat=True):
        per_ticket[ticket_id] = per_ticket.get(ticket_id, 0) + 1
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket_id=ticket_id, kind=TicketEvent.Kind.NOTE, actor=actor if getattr(actor, "pk", None) else None,
                    note=_("Personal-information request: the customer's messages (%(messages)d) and attachments were erased.")
                    % {"messages": per_ticket.get(ticket_id, 0)})
        for ticket_id in ticket_ids
    ])
    transaction.on_commit(lambda: _files_delete(files))
    return {"tickets": len(ticket_ids), "messages": erased, "attachments": len(attachments)}
