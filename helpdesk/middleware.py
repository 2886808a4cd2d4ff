"""Project middleware."""

from django.utils.deprecation import MiddlewareMixin

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
