"""Message bodies: plain text or a safe subset of HTML, cleaned on input and again on output."""

import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"a", "b", "blockquote", "br", "code", "em", "i", "li", "ol", "p", "pre", "strong", "u", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[a-zA-Z/!]")


def sanitize_html(body: str) -> str:
    """Return the body with every tag and attribute outside the safe subset removed."""
    return nh3.clean(
        body or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow"
    ).strip()


def render_body(body: str) -> SafeString:
    """Return a stored body as HTML for a template: cleaned again, line breaks kept for plain text."""
    if not _TAG.search(body or ""):
        return mark_safe(escape(body or "").replace("\n", "<br>"))
    return mark_safe(sanitize_html(body))
