"""Free text in a template as the viewer may see it: ``{{ ticket.subject|shown_to:user }}``."""

from django import template

from customers.privacy import may_view_pii, text_for_viewer

register = template.Library()


@register.filter
def shown_to(text, viewer) -> str:
    """Return the text with the personal data in it masked unless the viewer may see it (``customers.view_pii``)."""
    return text_for_viewer(str(text) if text is not None else "", clear=may_view_pii(viewer))[0]
