"""A real uvicorn serving the project in a thread: SSE streams need ASGI (the test live server is WSGI)."""

import socket
import threading
import time

import pytest
import uvicorn

from tickets.chat_events import chat_pools_shutdown
from tickets.chat_widget_post import chat_widget_post


@pytest.fixture
def server(settings):
    from django.core.asgi import get_asgi_application
    from django.db import connections

    settings.CHAT_SSE_HEARTBEAT_SECONDS = 1
    settings.WHITENOISE_USE_FINDERS = True  # serve static files like `make run` does in development
    settings.WHITENOISE_AUTOREFRESH = True
    django_application = get_asgi_application()
    application = chat_widget_post(django_application, django_application)  # as helpdesk.asgi serves it
    # The server's threads close their database connections after each request, so the test database can be dropped.
    previous_age = connections["default"].settings_dict["CONN_MAX_AGE"]
    connections.settings["default"]["CONN_MAX_AGE"] = 0

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=1)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)
    chat_pools_shutdown()
    connections.settings["default"]["CONN_MAX_AGE"] = previous_age


