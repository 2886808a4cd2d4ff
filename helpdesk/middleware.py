"""Project middleware."""


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
