from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from tickets.sanitizer import render_body

register = template.Library()
SELECTED = mark_safe(" selected")


@register.simple_tag
def user_options(users, selected=None):
    """Render the ``<option>`` of each user (the selected one marked) in one join, not a template loop per user."""
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((user.pk, SELECTED if user.pk == selected else "", user) for user in users))


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
