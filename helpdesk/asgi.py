"""ASGI entry point, served by uvicorn: Django's WSGI handler on a pool of threads, its ASGI handler for event streams.

Pages and API requests are short and synchronous: Django's WSGI application runs them on
``WEB_THREADS`` long-lived threads (a2wsgi bridges them to the event loop). Event streams stay open
for hours and wait on Redis: Django's ASGI application runs them as coroutines on the loop.
"""

import os

from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

# Paths of the Server-Sent Event streams (chat/urls.py).
STREAM_PATHS = ("/chat/stream/", "/chat/inbox/stream/")

streams = get_asgi_application()
pages = WSGIMiddleware(get_wsgi_application(), workers=settings.WEB_THREADS)


async def application(scope, receive, send):
    """Send event streams to Django's ASGI handler and every other HTTP request to its WSGI handler."""
    if scope["type"] == "http" and not scope["path"].startswith(STREAM_PATHS):
        return await pages(scope, receive, send)
    return await streams(scope, receive, send)
