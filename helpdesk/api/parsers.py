"""Request body parsers of the API."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from helpdesk.middleware import NUL_MESSAGE, contains_nul


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that refuses a NUL character anywhere in the document, keys included."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if contains_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data
