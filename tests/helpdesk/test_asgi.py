"""The web process's entry point: event streams go to Django's ASGI handler, everything else to its WSGI handler."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.urls import URLPattern, URLResolver, get_resolver

from helpdesk import asgi


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + str(entry.pattern), entry.callback


def test_every_async_view_is_served_by_the_asgi_handler():
    async_routes = [route for route, view in _routes(get_resolver().url_patterns) if asyncio.iscoroutinefunction(view)]
    assert async_routes, "the chat streams are async views"
    for route in async_routes:
        assert route.startswith(asgi.STREAM_PATHS), f"{route} is async but would run on the WSGI threads"


def test_no_sync_view_sits_under_a_stream_path():
    for route, view in _routes(get_resolver().url_patterns):
        if route.startswith(asgi.STREAM_PATHS):
            assert asyncio.iscoroutinefunction(view), f"{route} is sync but would run under the ASGI handler"


def test_dispatch_by_path(monkeypatch):
    calls = []

    def recorder(name):
        async def app(scope, receive, send):
            calls.append((name, scope["path"]))
        return app

    monkeypatch.setattr(asgi, "pages", recorder("pages"))
    monkeypatch.setattr(asgi, "streams", recorder("streams"))
    paths = ["/inbox/", "/api/v1/chat/sessions/1/messages/", "/chat/stream/3/", "/chat/inbox/stream/", "/chat/inbox/"]
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever an earlier test left running here
        for path in paths:
            thread.submit(asyncio.run, asgi.application({"type": "http", "path": path}, None, None)).result()
    assert [name for name, _path in calls] == ["pages", "pages", "streams", "streams", "pages"]
