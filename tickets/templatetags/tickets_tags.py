from django import template

from tickets.sanitizer import render_body

register = template.Library()


@register.filter
def message_html(body: str, body_format: str = ""):
    """Render a stored message body in its format: plain text escaped, HTML sanitised again, never raw."""
    return render_body(body, body_format or "")


@register.filter
def choice_label(value: str, more_labels=None):
    """Show a status, priority or complaint step code from the event history as its label (or as ``more_labels`` names it)."""
    from tickets.models import Ticket, TicketStep

    labels = {**dict(Ticket.Status.choices), **dict(Ticket.Priority.choices), **dict(TicketStep.Step.choices),
              **(more_labels or {})}
    return labels.get(value, value)
