"""Run the web process of production: Django's WSGI application under granian (docs/runtime.md)."""

import os
import shutil
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


def web_command(*, host: str, port: int, workers: int) -> list[str]:
    """Return the granian command line of the web process: pages and the API on ``WEB_THREADS`` threads per worker."""
    granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian") or "granian"
    return [granian, "--interface", "wsgi", "--host", host, "--port", str(port), "--workers", str(workers),
            "--blocking-threads", str(settings.WEB_THREADS), "--respawn-failed-workers",
            "--log-level", os.environ.get("LOG_LEVEL", "info").lower(), "helpdesk.wsgi:application"]


class Command(BaseCommand):
    help = ("Run the web process: pages and the API (everything but the event streams) under granian, "
            "WEB_PROCESSES workers of WEB_THREADS threads.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_PROCESSES", "2")))

    def handle(self, *args, host, port, workers, **options):
        command = web_command(host=host, port=port, workers=workers)
        os.execv(command[0], command)
