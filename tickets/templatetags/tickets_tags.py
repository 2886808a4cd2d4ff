from django import template

from tickets.sanitizer import render_body

register = template.Library()


@register.filter
def message_html(body: str):
    """Render a stored message body: sanitised again, never raw."""
    return render_body(body)


@register.filter
def choice_label(value: str):
    """Show a status or priority code from the event history as its label."""
    from tickets.models import Ticket

    return {**dict(Ticket.Status.choices), **dict(Ticket.Priority.choices)}.get(value, value)
