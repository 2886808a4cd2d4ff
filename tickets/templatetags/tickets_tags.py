from django import template

from tickets.sanitizer import render_body

register = template.Library()


@register.filter
def message_html(body: str):
    """Render a stored message body: sanitised again, never raw."""
    return render_body(body)
