"""What a reader of a page sees as text: text nodes outside script and style, and the attributes shown on hover or read out.

Text inside an element marked ``translate="no"`` (a code, a shortcut, an identifier: HTML's own mark for
content that stays as written) is left out.
"""

from html.parser import HTMLParser

HIDDEN = {"script", "style"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, whether its text is left out)
        self.texts: list[str] = []

    @property
    def _left_out(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def _keep(self, text: str | None) -> None:
        text = " ".join((text or "").split())
        if text and not self._left_out:
            self.texts.append(text)

    def handle_starttag(self, tag, attrs):
        self.handle_startendtag(tag, attrs)
        if tag not in VOID:
            left_out = self._left_out or tag in HIDDEN or dict(attrs).get("translate") == "no"
            self.open.append((tag, left_out))

    def handle_startendtag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("translate") == "no":
            return
        for name in sorted(SHOWN_ATTRIBUTES & attributes.keys()):
            self._keep(attributes[name])
        if tag == "input" and attributes.get("type") in BUTTON_INPUTS:
            self._keep(attributes.get("value"))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        self._keep(data)


def visible_texts(html: str) -> list[str]:
    """Return the visible text of a page, one whitespace-normalised string per text node or shown attribute."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.texts
