"""A real uvicorn serving ``helpdesk.asgi.application`` in a thread, as production does (the test live server is WSGI)."""

import socket
import threading

import pytest
import uvicorn


@pytest.fixture
def server(settings):
    from django.core.management import call_command
    from django.db import connections

    # The application serves STATIC_ROOT, as production does: collect it before the application is built.
    call_command("collectstatic", interactive=False, verbosity=0)
    from helpdesk.asgi import application

    settings.CHAT_SSE_HEARTBEAT_SECONDS = 1
    settings.WHITENOISE_USE_FINDERS = True  # serve static files like `make run` does in development
    settings.WHITENOISE_AUTOREFRESH = True

    # A socket already listening: requests sent before uvicorn has started wait in its backlog, not refused.
    listening = socket.create_server(("127.0.0.1", 0), backlog=128)
    port = listening.getsockname()[1]
    config = uvicorn.Config(application, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)
    listening.close()
    # The server's connections wait in the pool: close it, so the test database can be dropped.
    connections["default"].close_pool()


