"""Project middleware."""

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound

from helpdesk.proxies import request_client_address


class SyncChainMiddleware:
    """Run the middleware chain in one worker thread under ASGI (this middleware is sync-only, and last).

    Django runs each middleware in the mode of the handler it wraps: with an async-only chain, every
    built-in middleware hops between the event loop and a thread twice per request (about 20 hops,
    most of a small request's CPU under uvicorn). A sync-only middleware innermost turns the chain
    around it sync: one hop into the thread and one back, as Django's asynchronous-support docs describe.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class ClientAddressMiddleware(MiddlewareMixin):
    """Set ``REMOTE_ADDR`` to the client's address when the request came through a trusted proxy (first in the chain).

    Everything that reads the client address (the sign-in throttle, DRF's throttles, rate limits of
    public forms, logs) then reads the one Django gives, and a client cannot pick it by sending
    ``X-Forwarded-For`` itself.
    """

    def process_request(self, request):
        request.META["REMOTE_ADDR"] = request_client_address(request.META)


NUL_MESSAGE = gettext_lazy("Text may not contain the NUL character (\\u0000).")
UNREADABLE_MESSAGE = gettext_lazy("The form data cannot be read: %(error)s")


def contains_nul(value) -> bool:
    """Whether a parsed request value (text, list or mapping, keys included) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_nul(v) for v in value)
    return False


class RejectNulMiddleware(MiddlewareMixin):
    """Answer 400 to a path, query string, header or form body holding a NUL character, which PostgreSQL text cannot store.

    Headers count because some carry values that are looked up in the database (the chat widget's X-Chat-Token).
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def process_request(self, request):
        fields = dict(request.GET.lists())
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            try:
                fields.update(request.POST.lists())
            except (MultiPartParserError, BadRequest, SuspiciousOperation) as error:
                if not request.path.startswith("/api/"):
                    raise
                return JsonResponse({"detail": str(UNREADABLE_MESSAGE) % {"error": error}}, status=400)
        headers = [value for key, value in request.META.items() if key.startswith("HTTP_") and isinstance(value, str)]
        if "\x00" not in request.path and not contains_nul(fields) and not contains_nul(headers):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(NUL_MESSAGE)}, status=400)
        return HttpResponseBadRequest(str(NUL_MESSAGE), content_type="text/plain; charset=utf-8")


class ApiNotFoundMiddleware(MiddlewareMixin):
    """Answer a path under /api/ that names no endpoint (an id that is not a number) in the API's JSON error shape."""

    def process_response(self, request, response):
        if response.status_code != 404 or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
