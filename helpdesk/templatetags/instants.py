"""Date-times in templates written as Django's ``date`` filter writes three formats, without reading a format each time.

The lists and the ticket page write four or more date-times a row; the ``date`` filter parses its format
and looks up each letter on every call. These write the same text (local time, as the filter sees it).
"""

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def iso(value) -> str:
    """Write a date-time as ISO 8601 with its offset: ``date:"c"``."""
    return value.isoformat() if value else ""


@register.filter(expects_localtime=True)
def day_time(value) -> str:
    """Write a date-time as 2026-12-06 13:45: ``date:"Y-m-d H:i"``."""
    return f"{value.year:04d}-{value:%m-%d %H:%M}" if value else ""


@register.filter(expects_localtime=True)
def month_day_time(value) -> str:
    """Write a date-time as 12-06 13:45: ``date:"m-d H:i"``."""
    return f"{value:%m-%d %H:%M}" if value else ""
