"""Template filters of humanised durations: {{ seconds|duration }}, {{ seconds|time_left }}, {{ due_at|time_left_until }}."""

from django import template
from django.utils import timezone
from django.utils.html import json_script

from helpdesk.durations import duration_text, duration_words, time_left_text

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Return a length of time in seconds as humanised text ("2小时11分")."""
    return duration_text(seconds)


@register.filter
def time_left(seconds) -> str:
    """Return seconds before a deadline as "剩余 …", or "已超时 …" when negative."""
    return time_left_text(seconds)


@register.filter
def time_left_until(due_at) -> str:
    """Return the time left now before the datetime due_at ("剩余 …" / "已超时 …"), or nothing without one."""
    if not due_at:
        return ""
    return time_left_text((due_at - timezone.now()).total_seconds())


@register.simple_tag
def duration_words_script() -> str:
    """Return the JSON script tag holding the translated duration pieces for sla/countdown.js."""
    return json_script(duration_words(), "duration-words")
