"""ASGI entry point, served by uvicorn."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

django_application = get_asgi_application()

# Machine-to-machine writes from the shops (order upsert and webhook): short, sync, many per second.
# Django runs every request's sync code in a fresh thread (one ThreadSensitiveContext each), and a
# fresh thread means a fresh database connection: ~5 ms to connect on each request, and connections
# piling up until the threads are collected. These paths run instead on the process's one sync
# thread, whose persistent connection (CONN_MAX_AGE) is reused request after request.
SHARED_THREAD_PREFIXES = ("/api/v1/orders/by-number/", "/api/v1/webhooks/orders/")


async def application(scope, receive, send):
    """Serve the request; shop write paths on the shared sync thread, everything else as Django does."""
    if scope["type"] == "http" and scope.get("path", "").startswith(SHARED_THREAD_PREFIXES):
        await django_application.handle(scope, receive, send)
        return
    await django_application(scope, receive, send)
