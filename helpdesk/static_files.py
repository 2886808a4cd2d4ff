"""Static files through WhiteNoise in Django's async middleware chain."""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from whitenoise.middleware import WhiteNoiseMiddleware


class AsyncWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise that is async-capable, so that under uvicorn no request leaves the event loop because of it.

    WhiteNoise's own middleware is sync-only: one such middleware turns the whole chain around it
    into sync code run on a thread, with a hop back to the loop for the async part, on every request.
    Here a lookup of the in-memory file table decides: a static file is served from a worker thread
    (it may touch the disk), anything else goes straight on to the async chain.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response=None, **kwargs):
        super().__init__(get_response, **kwargs)
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request):
        """Serve a static file from a thread, or await the rest of the chain."""
        if self.autorefresh:
            static_file = await sync_to_async(self.find_file, thread_sensitive=False)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve, thread_sensitive=False)(static_file, request)
        return await self.get_response(request)
