"""The production processes: granian serves pages and the API, uvicorn the event streams, the proxy splits by path."""

import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from helpdesk import asgi
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_the_proxy_sends_exactly_the_stream_paths_to_the_streams_process():
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    locations = dict(re.findall(r"location (\S+) \{\s*proxy_pass http://(\w+);", config))
    assert {path for path, upstream in locations.items() if upstream == "streams"} == set(asgi.STREAM_PATHS)
    assert locations["/"] == "web"


@pytest.mark.timeout_sensitive
def test_the_web_process_serves_a_page_with_the_project_settings():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "test-only-not-a-secret-" + "x" * 40,
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "WEB_PROCESSES": "1", "WEB_THREADS": "2"}
    # Production settings render pages with the static files' manifest, as the image's build collects it.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([sys.executable, "manage.py", "web", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env)
    try:
        def login_page():
            assert server.poll() is None, "the web process ended"
            request = urllib.request.Request(f"http://127.0.0.1:{port}/login/", headers={"X-Forwarded-Proto": "https"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status, response.read().decode()
            except OSError:
                return None

        status, page = wait_for(login_page, timeout=30, what="the web process serving the login page", interval=0.3)
        assert status == 200 and "csrfmiddlewaretoken" in page
    finally:
        server.terminate()
        server.wait(15)
