"""Reads of the channels: phone calls a user may see, what the web form's thank-you page and the tracking page show."""

from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from channels.models import PhoneCall, TicketEmail
from sla.selectors import complaint_progress, ticket_promised_times
from tickets import workflow
from tickets.models import Ticket, TicketMessage
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


# The ticket's status in the customer's words (the agents' statuses say whose move it is inside the team).
CUSTOMER_STATUS = {
    workflow.NEW: _("Received"),
    workflow.OPEN: _("Being handled"),
    workflow.PENDING_CUSTOMER: _("Waiting for your reply"),
    workflow.PENDING_INTERNAL: _("Being investigated"),
    workflow.AWAITING_APPROVAL: _("Being handled"),
    workflow.RESOLVED: _("Resolved"),
    workflow.CLOSED: _("Closed"),
}
STEP_LABELS = {
    "intake": _("Intake"), "classification": _("Classification"), "investigation": _("Investigation"),
    "solution": _("Solution"), "agreement": _("Agreement"), "execution": _("Execution"), "feedback": _("Feedback"),
}


def _author_name(message: TicketMessage) -> str:
    """Return how an agent is named to customers: their display name, else the team's generic name."""
    if message.sender != TicketMessage.Sender.AGENT:
        return ""
    return (message.author.display_name if message.author else "") or str(_("Customer service"))


def customer_tracker(ticket: Ticket) -> dict:
    """Return what the ticket's own customer may see on the tracking page, and nothing else.

    Number, subject, status in the customer's words, the seven complaint steps (current one marked,
    with a due time when the step carries one), the promised times from the stored SLA due times,
    and the public thread: the customer's messages and agents' public replies, never internal notes.
    """
    progress = complaint_progress(ticket=ticket)
    promised = ticket_promised_times(ticket=ticket)
    # Without a due time of its own, the current step shows the next promise made to the customer.
    promise = promised["first_response"] or promised["resolution"]
    # Who completed a step and the agent's note are staff data: the customer sees what and when.
    steps = [{
        "step": step["step"], "label": STEP_LABELS[step["step"]], "done": step["done"],
        "current": step["current"], "completed_at": step["completed_at"],
        "due_at": step["due_at"] or (promise if step["current"] else None),
        "is_provisional": step["is_provisional"],
    } for step in progress]
    messages = [{
        "mine": message.sender == TicketMessage.Sender.CUSTOMER, "author": _author_name(message),
        "body": strip_tags(message.body) if message.body_format == TicketMessage.BodyFormat.HTML else message.body,
        "created_at": message.created_at,
        "attachments": [a.name for a in message.attachments.all()],
    } for message in ticket.messages.filter(
        is_internal=False, sender__in=[TicketMessage.Sender.CUSTOMER, TicketMessage.Sender.AGENT],
    ).select_related("author").prefetch_related("attachments")]
    return {
        "number": ticket.number, "subject": ticket.subject, "created_at": ticket.created_at,
        "description": ticket.description, "status": CUSTOMER_STATUS.get(ticket.status, ticket.get_status_display()),
        "is_complaint": ticket.kind == Ticket.Kind.COMPLAINT, "is_closed": ticket.status == workflow.CLOSED,
        "steps": steps, "promised": promised, "messages": messages,
    }
