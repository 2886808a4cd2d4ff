"""Start everything `make run` needs and stop all of it on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from helpdesk.demo import DEMO_PASSWORD, USERS
from helpdesk.embedded_redis import embedded_redis, port_open


class Command(BaseCommand):
    help = "Run the web server (uvicorn), a Celery worker and Celery beat; start an embedded Redis if no REDIS_URL."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--redis-port", type=int, default=6390)

    def handle(self, *args, host, port, redis_port, **options):
        run_dir = Path(settings.BASE_DIR) / ".run"
        run_dir.mkdir(exist_ok=True)
        with ExitStack() as stack:
            env = dict(os.environ)
            if not os.environ.get("REDIS_URL"):
                if port_open(redis_port):
                    self.stderr.write(f"Port {redis_port} is taken; set REDIS_URL or pass --redis-port.")
                    sys.exit(1)
                env["REDIS_URL"] = stack.enter_context(embedded_redis(redis_port))
                self.stdout.write(f"Embedded Redis: {env['REDIS_URL']}")
            subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], check=True, env=env)
            commands = {
                "web": [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", host, "--port", str(port),
                        "--log-level", "warning"],
                "worker": [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-l", "warning",
                           "--concurrency", "2", "-n", "worker@%h"],
                "beat": [sys.executable, "-m", "celery", "-A", "helpdesk", "beat", "-l", "warning",
                         "--schedule", str(run_dir / "celerybeat-schedule")],
            }
            processes = {name: subprocess.Popen(cmd, env=env, start_new_session=True) for name, cmd in commands.items()}
            stack.callback(self.stop_all, processes)
            self.announce(host, port)
            self.wait(processes)

    def announce(self, host, port):
        self.stdout.write(self.style.SUCCESS(f"\nHelpdesk is running at http://{host}:{port}/"))
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}): " + ", ".join(
            f"{u['username']} ({u['role'].value})" for u in USERS))
        self.stdout.write(f"API docs: http://{host}:{port}/api/docs/   Health: http://{host}:{port}/healthz")
        self.stdout.write("Press Ctrl-C to stop the web server, worker, beat and Redis.\n")

    def wait(self, processes):
        stopping = []
        # Installed explicitly: a shell that starts us in the background may have set SIGINT to "ignore".
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda *_: stopping.append(True))
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    self.stderr.write(f"{name} exited with code {process.returncode}; stopping everything.")
                    return
            time.sleep(0.2)

    def stop_all(self, processes):
        self.stdout.write("\nStopping…")
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, process in processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it.")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.stdout.write("Stopped.")
