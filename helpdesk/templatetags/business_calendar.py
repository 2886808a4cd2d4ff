"""Template tags of the business calendars: the badge beside a due time computed on a provisional schedule."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def provisional_badge(is_provisional) -> str:
    """Return the small "provisional" badge shown next to a due time, or nothing."""
    if not is_provisional:
        return ""
    return format_html(
        '<span class="badge provisional" data-testid="provisional" title="{}">{}</span>',
        gettext("Computed on a provisional holiday schedule (statutory holidays by rule, no make-up working days); "
                "recomputed when the official schedule is entered."),
        gettext("provisional"),
    )
