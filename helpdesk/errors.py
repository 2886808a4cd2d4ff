"""Refusals a service raises, each declaring the HTTP answer the API gives (helpdesk/api/errors.py answers them).

Pure Python: workflow modules import it. Besides these, services refuse with Django's ``ValidationError``
(400 with field errors) and ``PermissionDenied`` (403).
"""


class ServiceError(Exception):
    """A request a service refuses; the API answers ``status_code`` with ``{"detail": message}``.

    With ``field`` set the answer is a field error instead, ``{field: [message]}``, plus ``extra()``;
    without, ``payload()`` adds members beside ``detail``.
    """

    status_code = 400
    code = "invalid"
    field = ""
    retry_after: int | None = None  # seconds, sent as Retry-After

    def extra(self) -> dict:
        """Return more members of a field error's body (lists of strings, like the messages)."""
        return {}

    def payload(self) -> dict:
        """Return more members of a ``{"detail": message}`` answer, as JSON values (ids stay numbers)."""
        return {}


class Conflict(ServiceError):
    """The state the request relies on has moved on: someone else was first, or it is already done (409)."""

    status_code = 409
    code = "conflict"
