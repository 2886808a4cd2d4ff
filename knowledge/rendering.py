"""Article bodies: Markdown rendered to HTML, then cleaned to the message subset plus headings, images and tables."""

import difflib
import html

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from tickets.sanitizer import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

ARTICLE_TAGS = ALLOWED_TAGS | {"h1", "h2", "h3", "h4", "hr", "img", "table", "thead", "tbody", "tr", "th", "td"}
ARTICLE_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title"}}
IMAGE_SCHEMES = URL_SCHEMES - {"mailto"}
# One parser for every body: building it (rules, options) costs more than rendering a short article.
MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(body: str) -> SafeString:
    """Return the Markdown body as safe HTML: raw HTML in the source is escaped, the output cleaned again."""
    rendered = MARKDOWN.render(body or "")
    return mark_safe(nh3.clean(rendered, tags=ARTICLE_TAGS, attributes=ARTICLE_ATTRIBUTES, url_schemes=IMAGE_SCHEMES,
                               link_rel="noopener noreferrer nofollow"))


def markdown_text(body: str) -> str:
    """Return the body as plain text (for excerpts and pasting into a reply)."""
    return html.unescape(nh3.clean(markdown_html(body), tags=set())).strip()


def version_diff_html(old: str, new: str) -> SafeString:
    """Return a line diff of two bodies as HTML rows: removed, added and unchanged lines, each escaped."""
    rows = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        mark, text = line[:2], line[2:]
        if mark == "? ":
            continue
        kind = {"- ": "del", "+ ": "ins"}.get(mark, "same")
        rows.append(f'<tr class="diff-{kind}"><td class="diff-mark">{escape(mark.strip())}</td>'
                    f'<td><pre>{escape(text)}</pre></td></tr>')
    return mark_safe("".join(rows))
