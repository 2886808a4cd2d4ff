"""Every write to tickets: lock, check, save, record an event, in one transaction."""

from django.db import transaction
from django.utils import timezone

from helpdesk.sequences import daily_number
from tickets.models import Ticket, TicketEvent, TicketMessage
from tickets.sla import ticket_sla_message_added, ticket_sla_refresh


@transaction.atomic
def ticket_create(
    *,
    actor,
    customer,
    team,
    subject: str,
    description: str = "",
    kind: str = Ticket.Kind.CONSULTATION,
    channel: str = Ticket.Channel.CHAT,
    priority: str = Ticket.Priority.NORMAL,
    category=None,
    order=None,
    assignee=None,
) -> Ticket:
    """Create a ticket with a fresh number (投诉编号) and record its intake (投诉受理)."""
    ticket = Ticket.objects.create(
        number=daily_number(prefix="T"),
        subject=subject,
        description=description,
        kind=kind,
        channel=channel,
        priority=priority,
        category=category,
        customer=customer,
        order=order,
        team=team,
        assignee=assignee,
        status=Ticket.Status.OPEN if assignee else Ticket.Status.NEW,
    )
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.CREATED, actor=actor, to_value=ticket.status)
    ticket_sla_refresh(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_message_add(*, ticket: Ticket, actor, body: str, sender: str, is_internal: bool = False) -> TicketMessage:
    """Add a message to a ticket; the first agent reply sets 首次响应时间 once."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    message = TicketMessage.objects.create(
        ticket=ticket, sender=sender, author=actor, body=body, is_internal=is_internal
    )
    fields = ["updated_at"]
    if sender == TicketMessage.Sender.AGENT and not is_internal and ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        fields.append("first_response_at")
    if sender == TicketMessage.Sender.AGENT:
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.NOTE if is_internal else TicketEvent.Kind.REPLIED,
            actor=actor,
        )
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=fields)
    ticket_sla_message_added(ticket=ticket, message=message)
    return message
