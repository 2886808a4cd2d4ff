"""Message bodies: plain text or a safe subset of HTML, cleaned on input and again on output."""

import re

import nh3
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tickets.quotes import quote_split

ALLOWED_TAGS = {"a", "b", "blockquote", "br", "code", "em", "i", "li", "ol", "p", "pre", "strong", "u", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[a-zA-Z/!]")


def sanitize_html(body: str) -> str:
    """Return the body with every tag and attribute outside the safe subset removed."""
    return nh3.clean(
        body or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow"
    ).strip()


def render_body(body: str, body_format: str = "") -> SafeString:
    """Return a stored body as HTML for a template: plain text escaped with its quoted history folded, HTML cleaned again.

    A body without a recorded format (kept before formats were) is judged by its content.
    """
    if body_format == "html" or (not body_format and _TAG.search(body or "")):
        return mark_safe(sanitize_html(body))
    own, quoted = quote_split(body or "")
    html = _text_html(own)
    if quoted:
        html += format_html('<details class="msg-quote"><summary>{}</summary>{}</details>',
                            gettext("Quoted earlier mail"), _text_html(quoted))
    return mark_safe(html)


def _text_html(text: str) -> SafeString:
    return mark_safe(escape(text).replace("\n", "<br>"))
