import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from helpdesk.embedded_redis import free_port

ROOT = Path(__file__).resolve().parents[2]


def get_health(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
    except OSError:
        return None, None


@pytest.mark.timeout_sensitive
def test_serve_runs_web_worker_beat_and_redis_and_stops_them_all(tmp_path):
    port, redis_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--redis-port", str(redis_port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        status, body = None, None
        while time.monotonic() < deadline:
            status, body = get_health(port)
            if status == 200:
                break
            time.sleep(1)
        assert status == 200, body
        assert body["checks"]["celery"]["worker"].startswith("worker@")
        children = psutil.Process(process.pid).children(recursive=True)
        names = " ".join(" ".join(child.cmdline()) for child in children)
        assert "uvicorn" in names and "worker" in names and "beat" in names and "redis-server" in names
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "Stopped." in output
    time.sleep(0.5)
    assert not [child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]
