"""ASGI entry point, served by uvicorn: Django's WSGI handler on a pool of threads, its ASGI handler for event streams.

Pages and API requests are short and synchronous: Django's WSGI application runs them on
``WEB_THREADS`` long-lived threads (a2wsgi bridges them to the event loop). Event streams stay open
for hours and wait on Redis: Django's ASGI application runs them as coroutines on the loop, and the
few synchronous steps of each (its middleware on the way in, closing the response on the way out)
run on a small fixed set of threads shared by every stream.
"""

import itertools
import os
from concurrent.futures import ThreadPoolExecutor

from a2wsgi import WSGIMiddleware
from asgiref.sync import ThreadSensitiveContext
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

from helpdesk.collector import collector_settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

# Paths of the Server-Sent Event streams (chat/urls.py).
STREAM_PATHS = ("/chat/stream/", "/chat/inbox/stream/", "/live/stream/")

streams = get_asgi_application()
pages = WSGIMiddleware(get_wsgi_application(), workers=settings.WEB_THREADS)

# Without an executor of ours, Django's handler gives each request a thread of its own that lives as
# long as the request: for a stream, hours. Each of these runs one call at a time on one thread, as
# asgiref's ThreadSensitiveContext requires; streams take them in turn.
stream_threads = [ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"stream-{n}")
                  for n in range(settings.STREAM_THREADS)]
_next_stream_thread = itertools.cycle(stream_threads)
collector_settle()


async def application(scope, receive, send):
    """Send event streams to Django's ASGI handler and every other HTTP request to its WSGI handler."""
    if scope["type"] == "http" and not scope["path"].startswith(STREAM_PATHS):
        return await pages(scope, receive, send)
    async with ThreadSensitiveContext(executor=next(_next_stream_thread)):
        return await streams(scope, receive, send)
