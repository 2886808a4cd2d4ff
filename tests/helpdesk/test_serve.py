import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.waiting import wait_for

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
def test_make_run_serves_on_a_free_port_beside_embedded_postgres_and_redis_and_stops_them_all(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE",
                                                            "PUBLIC_BASE_URL"}}
    env["EMBEDDED_DATA_DIR"] = str(tmp_path)
    # What `make run` runs; a new process group stands for the terminal that Ctrl-C is typed in.
    process = subprocess.Popen(
        [sys.executable, "-m", "helpdesk.embedded", sys.executable, "manage.py", "serve", "--no-demo",
         "--port", str(taken.getsockname()[1])],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    output = ""
    try:
        while "Helpdesk is running at" not in output and process.poll() is None:
            output += process.stdout.readline()
        port = int(re.search(r"running at http://127\.0\.0\.1:(\d+)/", output).group(1))
        assert port != taken.getsockname()[1] and f"serving on {port}" in output
        def healthy():
            status, body = get_health(port)
            return status == 200 and body

        body = wait_for(healthy, timeout=90, what="/healthz answering 200", interval=0.5)  # beat's first heartbeat: within 30 s
        assert body["checks"]["celery"]["worker"].startswith("worker@")
        children = psutil.Process(process.pid).children(recursive=True)
        names = " ".join(" ".join(child.cmdline()) for child in children)
        assert "uvicorn" in names and "worker" in names and "beat" in names and "redis-server" in names
        postgres = [p for p in psutil.process_iter(["cmdline"]) if str(tmp_path / "postgres") in " ".join(p.info["cmdline"] or [])]
        assert postgres
        env_of_web = next(c for c in children if "uvicorn" in " ".join(c.cmdline())).environ()
        assert env_of_web["PUBLIC_BASE_URL"] == f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        output += rest
        taken.close()
    assert process.returncode == 0, output
    assert "Stopped." in output and "Traceback" not in output
    psutil.wait_procs(children + postgres, timeout=10)
    assert not [p for p in children + postgres if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
