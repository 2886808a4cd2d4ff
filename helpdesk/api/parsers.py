"""Request body parsers of the API."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from helpdesk.middleware import NUL_MESSAGE, contains_nul

# No request of the API nests deeper than a few levels; a deeper document is refused before any code walks it.
MAX_JSON_DEPTH = 32


def depth_message() -> str:
    """Return the refusal of a JSON document nested too deep, in the request's language."""
    return _("JSON may not nest deeper than %(levels)d levels.") % {"levels": MAX_JSON_DEPTH}


def json_too_deep(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests lists and objects deeper than ``limit`` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that refuses a document nested too deeply or holding a NUL character, keys included."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(depth_message()) from None
        if json_too_deep(data):
            raise ParseError(depth_message())
        if contains_nul(data):
            raise ParseError(str(NUL_MESSAGE))
        return data
