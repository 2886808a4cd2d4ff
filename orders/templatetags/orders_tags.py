from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from helpdesk.templatetags.business_calendar import provisional_badge
from orders.models import ReturnRequest

register = template.Library()


def _short(value) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


@register.simple_tag
def deadline_cell(deadline: dict):
    """Show a step deadline: met (✓ when), breached, due soon, due, or none (a list shows hundreds: no include)."""
    if deadline.get("met_at"):
        return format_html('<span class="due met">✓ {}</span>', _short(deadline["met_at"]))
    badge = provisional_badge(deadline.get("is_provisional"))
    if deadline.get("breached_at"):
        return format_html('<span class="due breached">{} {}</span>{}', gettext("Overdue"), _short(deadline["due_at"]), badge)
    if deadline.get("warned_at"):
        return format_html('<span class="due warning">{} {}</span>{}', gettext("Due soon"), _short(deadline["due_at"]), badge)
    if deadline.get("due_at"):
        return format_html('<span class="due">{}</span>{}', _short(deadline["due_at"]), badge)
    return mark_safe('<span class="muted">—</span>')


def _label_filter(choices):
    """Return a filter showing a stored code as its label (``get_FOO_display`` rebuilds the choices on every call)."""
    labels = dict(choices)  # lazy labels: translated when shown, in the request's language
    return lambda value: labels.get(value, value)


register.filter("return_kind", _label_filter(ReturnRequest.Kind.choices))
register.filter("return_reason", _label_filter(ReturnRequest.Reason.choices))
register.filter("return_status", _label_filter(ReturnRequest.Status.choices))
