"""Reads of the channels: phone calls a user may see, what the web form's thank-you page shows."""

from django.db.models import QuerySet

from channels.models import PhoneCall, TicketEmail
from tickets.models import Ticket
from tickets.selectors import ticket_list_for_user


def phone_call_list_for_user(*, user) -> QuerySet[PhoneCall]:
    """Return the logged calls of the tickets the user may see."""
    return PhoneCall.objects.filter(ticket__in=ticket_list_for_user(user=user).values("pk")).select_related("ticket")


def webform_receipt(*, ticket_id: int) -> tuple[Ticket, bool] | None:
    """Return the submitted ticket (its number only) and whether a confirmation e-mail was queued, or None."""
    ticket = Ticket.objects.filter(pk=ticket_id).only("number").first()
    if ticket is None:
        return None
    return ticket, TicketEmail.objects.filter(ticket=ticket, purpose=TicketEmail.Purpose.CONFIRMATION).exists()
