"""The production processes: granian serves pages and the API, uvicorn the event streams, the proxy splits by path."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpdesk import asgi

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
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/login/", headers={"X-Forwarded-Proto": "https"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == 200
                    assert "csrfmiddlewaretoken" in response.read().decode()
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the web process did not serve the page"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(15)
