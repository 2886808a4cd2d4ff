"""ASGI entry point, served by uvicorn."""

import os

import django
from asgiref.sync import ThreadSensitiveContext

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

django.setup(set_prefix=False)  # as get_asgi_application(); the handler is ours

from helpdesk.request_threads import (  # noqa: E402  (needs settings)
    LeasedExecutor, OneHopASGIHandler, caches_per_thread, request_thread_pool)
from tickets.chat_widget_post import chat_widget_post  # noqa: E402

caches_per_thread()
django_application = OneHopASGIHandler()


async def application(scope, receive, send):
    """Serve the request with its sync code on a pooled thread that keeps its database connection.

    Django would run each request's sync code on a new thread (a ThreadSensitiveContext each): a new
    database connection per request (connect, configure, and for PostgreSQL a new backend process),
    and connections left behind until the thread is collected. A pooled thread serves one request at
    a time and reuses its persistent connection (CONN_MAX_AGE).
    """
    if scope["type"] != "http":
        await django_application(scope, receive, send)
        return
    executor = LeasedExecutor(request_thread_pool())
    try:
        async with ThreadSensitiveContext(executor=executor):
            await django_application.handle(scope, receive, send)
    finally:
        executor.release()


# The chat widget's message POSTs are answered from the event loop (live chat's 100 messages/s per process).
application = chat_widget_post(application, django_application)
