"""Prepare the database and run everything `make run` needs; stop all of it on Ctrl-C."""

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
from helpdesk.embedded import free_port, port_open


class Command(BaseCommand):
    help = ("Migrate, load the demo data once, then run the web server (uvicorn), a Celery worker and Celery beat. "
            "`make run` starts it beside the embedded PostgreSQL and Redis.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="taken already: a free port is used instead")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")

    def handle(self, *args, host, port, no_demo, **options):
        try:
            self.serve(host, port, demo=not no_demo)
        except KeyboardInterrupt:  # Ctrl-C before the servers were up: the step in progress stops with us
            self.stdout.write("\nStopped.")
            sys.exit(130)

    def serve(self, host, port, *, demo):
        run_dir = Path(settings.BASE_DIR) / ".run"
        run_dir.mkdir(exist_ok=True)
        if port_open(port):
            taken, port = port, free_port()
            self.stdout.write(f"Port {taken} is taken; serving on {port}.")
        env = dict(os.environ)
        # Links the product prints or sends (survey links) name the port actually served.
        env.setdefault("PUBLIC_BASE_URL", f"http://{host}:{port}")
        self.prepare(env, demo=demo)
        with ExitStack() as stack:
            commands = {
                "web": [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", host, "--port", str(port),
                        "--log-level", "warning", "--lifespan", "off", "--no-proxy-headers"],
                "worker": [sys.executable, "-m", "celery", "-A", "helpdesk", "--quiet", "worker", "-l", "warning",
                           "--concurrency", "2", "-n", "worker@%h"],
                "beat": [sys.executable, "-m", "celery", "-A", "helpdesk", "--quiet", "beat", "-l", "warning",
                         "--schedule", str(run_dir / "celerybeat-schedule")],
            }
            processes = {name: subprocess.Popen(cmd, env=env, start_new_session=True) for name, cmd in commands.items()}
            stack.callback(self.stop_all, processes)
            self.announce(host, port)
            self.wait(processes)

    def prepare(self, env, *, demo):
        """Migrate, load the demo data and collect static files, each step timed."""
        steps = [("Migrating the database", ["migrate", "--noinput", "-v0"])]
        if demo:
            steps.append(("Loading the demo data", ["demo_data"]))
        steps.append(("Collecting static files", ["collectstatic", "--noinput", "-v0"]))
        for label, arguments in steps:
            self.stdout.write(f"{label}…")
            started = time.monotonic()
            done = subprocess.run([sys.executable, "manage.py", *arguments], env=env)
            if done.returncode:
                self.stderr.write(f"{label} failed (exit code {done.returncode}); nothing was started.")
                sys.exit(done.returncode)
            self.stdout.write(f"  done in {time.monotonic() - started:.1f} s")

    def announce(self, host, port):
        self.stdout.write(self.style.SUCCESS(f"\nHelpdesk is running at http://{host}:{port}/"))
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}): " + ", ".join(
            f"{u['username']} ({u['role'].value})" for u in USERS))
        self.stdout.write(f"API docs: http://{host}:{port}/api/docs/   Health: http://{host}:{port}/healthz")
        self.stdout.write("Press Ctrl-C to stop the web server, worker and beat (and the embedded PostgreSQL and Redis).\n")

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
                # To the main process only: Celery's warm shutdown lets its pool finish the task at hand.
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, process in processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it.")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.stdout.write("Stopped.")
