"""Under ASGI, the sync part of requests runs on pooled threads that are reused (and keep their DB connection)."""

import asyncio
import threading

from asgiref.sync import sync_to_async

from helpdesk import asgi
from helpdesk.request_threads import RequestThreadPool, request_thread_release


def run(coroutine):
    """Run a coroutine on a fresh event loop in its own thread (other tests may leave a loop running here)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def serve(monkeypatch, pool, handle):
    monkeypatch.setattr(asgi, "request_thread_pool", lambda: pool)
    monkeypatch.setattr(asgi, "django_application", type("App", (), {"handle": staticmethod(handle)})())


def test_sequential_requests_reuse_one_thread_and_concurrent_ones_get_their_own(monkeypatch):
    pool, seen = RequestThreadPool(2), []
    gate = None

    async def handle(scope, receive, send):
        first = await sync_to_async(threading.get_ident)()
        if scope["path"] == "/slow/":
            await gate.wait()
        second = await sync_to_async(threading.get_ident)()
        assert first == second  # one request, one thread
        seen.append((scope["path"], first))

    serve(monkeypatch, pool, handle)

    async def main():
        nonlocal gate
        gate = asyncio.Event()
        await asgi.application({"type": "http", "path": "/a/"}, None, None)
        await asgi.application({"type": "http", "path": "/b/"}, None, None)
        slow = [asyncio.create_task(asgi.application({"type": "http", "path": "/slow/"}, None, None)) for _ in range(3)]
        await asyncio.sleep(0.05)
        gate.set()
        await asyncio.gather(*slow)

    run(main())
    threads = dict(seen[:2])
    assert threads["/a/"] == threads["/b/"]
    concurrent = {ident for path, ident in seen[2:]}
    assert len(concurrent) == 3  # two pooled threads plus one transient beyond the size
    assert pool.created == 2 and len(pool.idle) == 2


def test_a_stream_gives_its_thread_back_early(monkeypatch):
    pool = RequestThreadPool(1)
    released = []

    async def handle(scope, receive, send):
        await sync_to_async(threading.get_ident)()
        released.append(request_thread_release())
        released.append(len(pool.idle))

    serve(monkeypatch, pool, handle)
    run(asgi.application({"type": "http", "path": "/chat/stream/1/"}, None, None))
    assert released == [True, 1]


def test_outside_the_pool_release_says_so():
    assert run(_release()) is False


async def _release():
    return request_thread_release()


def _asgi_get(path: str, headers=()) -> tuple[int, dict]:
    """GET a path through the real ASGI application; return the status and headers."""
    from asgiref.testing import ApplicationCommunicator

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), *headers], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}

    async def main():
        app = ApplicationCommunicator(asgi.application, scope)
        await app.send_input({"type": "http.request", "body": b""})
        start = await app.receive_output(5)
        await app.receive_output(5)
        await app.wait(5)
        return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}

    return run(main())


def test_a_sync_view_runs_with_its_middleware_in_one_hop_to_the_request_thread(monkeypatch, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    from helpdesk.request_threads import LeasedExecutor

    submits = []
    original = LeasedExecutor.submit
    monkeypatch.setattr(LeasedExecutor, "submit", lambda self, fn, *a, **k: submits.append(fn) or original(self, fn, *a, **k))
    status, headers = _asgi_get("/api/v1/me/")
    assert status in (401, 403)
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"  # middleware ran
    # request_started, the middleware chain, the view and response.close() in one hop (Django's own async path
    # took one per middleware method and two more: 21 for this request).
    assert len(submits) == 1
    status, _headers = _asgi_get("/no/such/page/")
    assert status == 404


def test_an_async_view_keeps_djangos_async_path(monkeypatch):
    from django.core.handlers.asgi import ASGIHandler

    from helpdesk.request_threads import OneHopASGIHandler

    handler, calls = OneHopASGIHandler(), []

    async def django_handle(self, scope, receive, send):
        calls.append(scope["path"])

    async def stream_view(request):
        return None

    class Match:
        func = staticmethod(stream_view)

    monkeypatch.setattr(ASGIHandler, "handle", django_handle)
    monkeypatch.setattr("helpdesk.request_threads.get_resolver", lambda: type("R", (), {"resolve": lambda self, p: Match()})())
    run(handler.handle({"type": "http", "path": "/chat/stream/1/", "root_path": ""}, None, None))
    assert calls == ["/chat/stream/1/"]


def test_requests_on_one_pooled_thread_share_its_cache_client(monkeypatch):
    """Django keeps caches per async context; served by helpdesk.asgi, a pooled thread keeps one Redis client."""
    from django.core.cache import caches

    pool, clients = RequestThreadPool(1), []

    async def handle(scope, receive, send):
        clients.append(await sync_to_async(lambda: id(caches["default"]))())

    serve(monkeypatch, pool, handle)

    async def main():
        for path in ("/a/", "/b/", "/c/"):  # one task each, as uvicorn serves them
            await asyncio.create_task(asgi.application({"type": "http", "path": path}, None, None))

    run(main())
    assert len(clients) == 3 and len(set(clients)) == 1
