"""The API's one error layer (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``): a service's refusal answered in DRF's shapes.

Input errors are ``{"field": ["message", ...]}``; every other error is ``{"detail": "message"}`` (docs/api.md).
Views call services and let their refusals through; nothing here turns a refusal into a 500.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from helpdesk.errors import ServiceError


class ServiceRefusal(exceptions.APIException):
    """A service's refusal as a DRF error with the status the refusal declares."""

    def __init__(self, detail, *, status_code: int, code: str, wait: int | None = None):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.wait = wait  # DRF's handler sends it as Retry-After


def as_api_exception(exc: Exception) -> Exception:
    """Return the DRF error a service's refusal stands for; any other exception unchanged."""
    if isinstance(exc, ServiceError):
        message = str(exc)
        detail = {exc.field: [message], **exc.extra()} if exc.field else message
        return ServiceRefusal(detail, status_code=exc.status_code, code=exc.code, wait=exc.retry_after)
    if isinstance(exc, DjangoValidationError):
        detail = get_error_detail(exc)
        if isinstance(detail, dict):
            if NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            return exceptions.ValidationError(detail)
        return ServiceRefusal(" ".join(detail), status_code=400, code=detail[0].code if detail else "invalid")
    return exc


def exception_handler(exc, context):
    """Answer a service's refusal as DRF answers its own errors (Http404, PermissionDenied and APIException)."""
    response = drf_exception_handler(as_api_exception(exc), context)
    if response is not None and isinstance(exc, ServiceError) and not exc.field and exc.payload():
        response.data = {**response.data, **exc.payload()}  # after DRF's handler, which would make them strings
    return response
