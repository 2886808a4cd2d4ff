"""Log filters: an expected client error is one line, a server error keeps its traceback."""

import copy
import logging
import unicodedata

from django.http import HttpRequest


def one_line(text: str) -> str:
    """Return text with line breaks and control characters escaped; Chinese and other text stays readable."""
    return "".join(
        char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char
        for char in text
    )


def django_escaped(text: str) -> str:
    """Return text escaped the way Django escapes the arguments of its request log lines."""
    return text.encode("unicode_escape").decode("ascii")


class ClientErrorFilter(logging.Filter):
    """Write a 4xx record about a request as one line (method, path, status, reason) without its traceback.

    A 4xx is an answer Django or DRF gives on purpose (Http404, PermissionDenied, a failed CSRF
    check, an unauthenticated API call): its traceback only shows the framework raising it. Records
    without a request or with a 5xx status pass unchanged. Attached to a handler, the one-line copy
    replaces the record for that handler only, so other handlers still receive the exception.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        if not isinstance(status, int) or not 400 <= status < 500 or not isinstance(request, HttpRequest):
            return True
        # Django's messages end with ": <path>"; the path gets its own place in the line.
        reason = record.getMessage().removesuffix(f": {django_escaped(request.path)}")
        exception = record.exc_info[1] if record.exc_info else None
        detail = str(exception) if exception is not None else ""
        if detail and django_escaped(detail) not in reason:
            reason = f"{reason}: {one_line(detail)}"
        line = copy.copy(record)
        line.msg = "%s %s %s %s"
        line.args = (one_line(request.method or ""), one_line(request.path), status, reason)
        line.exc_info = line.exc_text = None
        return line
