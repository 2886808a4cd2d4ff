"""The shop write paths run on the worker's shared sync thread (persistent DB connection); the rest as Django does."""

from helpdesk import asgi


def run(coroutine) -> None:
    """Drive a coroutine that never suspends (no event loop: other tests may leave one running)."""
    try:
        coroutine.send(None)
    except StopIteration:
        return
    raise AssertionError("the coroutine suspended")


def test_shop_write_paths_skip_the_per_request_thread(monkeypatch):
    calls = []

    async def handle(scope, receive, send):
        calls.append(("shared", scope["path"]))

    async def per_request(scope, receive, send):
        calls.append(("per-request", scope["path"]))

    monkeypatch.setattr(asgi, "django_application", type("App", (), {"handle": staticmethod(handle),
                                                                       "__call__": lambda self, *a: per_request(*a)})())
    for path in ("/api/v1/orders/by-number/DD1/", "/api/v1/webhooks/orders/", "/api/v1/orders/", "/inbox/"):
        run(asgi.application({"type": "http", "path": path}, None, None))
    assert calls == [("shared", "/api/v1/orders/by-number/DD1/"), ("shared", "/api/v1/webhooks/orders/"),
                     ("per-request", "/api/v1/orders/"), ("per-request", "/inbox/")]
