"""Request body parsers of the API."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from helpdesk.middleware import NUL_MESSAGE, contains_nul

# No request of the API nests deeper than a few levels; a deeper document is refused before any code walks it.
MAX_JSON_DEPTH = 32
DEPTH_MESSAGE = f"JSON may not nest deeper than {MAX_JSON_DEPTH} levels."


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
            raise ParseError(DEPTH_MESSAGE) from None
        if json_too_deep(data):
            raise ParseError(DEPTH_MESSAGE)
        if contains_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data
