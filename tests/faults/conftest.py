"""The fault suite's stack: the real processes on the test database, a Redis of its own, a mail server it can hold.

uvicorn, the Celery worker and beat run as subprocesses exactly as `make run` starts them, on the
database pytest-django created (``transactional_db``: they see what the test writes, and the test sees
what they commit) and on a Redis this fixture starts on a free port, so a test can stop and start it
again without touching anyone else's. Mail goes to a small SMTP server in the test process that records
each message and can hold a recipient's delivery while the test kills the sender.
"""

import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest
import redis
import requests

from helpdesk.celery import app
from helpdesk.embedded import embedded_redis, free_port
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
# What libpq calls the subprocesses' database connections (PGAPPNAME), so a test can find and kill them.
APPLICATION_NAME = "helpdesk-faults"


def database_url(settings_dict: dict) -> str:
    """Return a DATABASE_URL naming the database of these connection settings (a socket folder as the host)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(settings_dict['NAME'], safe='')}"


class RedisServer:
    """A redis-server on a port of its own that the test stops and starts again (empty, as without persistence)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.running: ExitStack | None = None

    def start(self) -> None:
        stack = ExitStack()
        stack.enter_context(embedded_redis(self.port))
        self.running = stack

    def stop(self) -> None:
        if self.running is not None:
            self.running.close()
            self.running = None


class Service:
    """One subprocess of the stack, in a process group of its own, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Service":
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        return self

    def kill(self) -> None:
        """Kill -9 the whole process group: the main process and its pool, as a lost machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- {self.name} log ---\n" + "\n".join(text.splitlines()[-lines:])


class SmtpSink(socketserver.ThreadingTCPServer):
    """An SMTP server that records every message it accepts and can hold one recipient's delivery.

    A held RCPT gets no answer until the client goes away (its sender was killed) or ``HOLD_SECONDS``
    pass; a message is accepted, and counted, only when its DATA is complete, as a real server does.
    """

    daemon_threads = True
    allow_reuse_address = True
    HOLD_SECONDS = 60

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.port = self.server_address[1]
        self.lock = threading.Lock()
        self.accepted: list[tuple[str, str]] = []  # (Message-ID, recipient)
        self.hold_next: set[str] = set()
        self.holding = threading.Event()

    def hold(self, recipient: str) -> None:
        """Hold the next delivery to this recipient."""
        with self.lock:
            self.hold_next.add(recipient.lower())
        self.holding.clear()

    def take_hold(self, recipient: str) -> bool:
        with self.lock:
            if recipient in self.hold_next:
                self.hold_next.discard(recipient)
                return True
        return False

    def message_ids(self) -> Counter:
        with self.lock:
            return Counter(message_id for message_id, _recipient in self.accepted)


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def held_until_the_client_leaves(self) -> bool:
        """Wait for the client to disconnect (True) or the hold to time out (False)."""
        self.server.holding.set()
        deadline = time.monotonic() + self.server.HOLD_SECONDS
        self.connection.settimeout(0.2)
        try:
            while time.monotonic() < deadline:
                try:
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        return True
                except TimeoutError:
                    continue
                except OSError:
                    return True
            return False
        finally:
            self.connection.settimeout(None)

    def handle(self):
        self.reply("220 faults-sink ESMTP")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-faults-sink")
                self.reply("250 8BITMIME")
            elif verb == "RCPT":
                recipient = command.partition(":")[2].strip().strip("<>").lower()
                if self.server.take_hold(recipient) and self.held_until_the_client_leaves():
                    return
                recipients.append(recipient)
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                message_id = ""
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    if data.lower().startswith(b"message-id:"):
                        message_id = data.split(b":", 1)[1].strip().decode()
                if data == b"":
                    return  # the client went away in the middle: nothing accepted
                with self.server.lock:
                    self.server.accepted += [(message_id, r) for r in recipients]
                recipients = []
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            elif verb in ("HELO", "MAIL", "RSET", "NOOP"):
                recipients = [] if verb in ("MAIL", "RSET") else recipients
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")


class Stack:
    """Starts the project's processes against the test database and the test's Redis; stops them all after."""

    def __init__(self, *, redis_server: RedisServer, sink: SmtpSink, log_dir: Path, database: str):
        self.redis = redis_server
        self.sink = sink
        self.log_dir = log_dir
        self.services: list[Service] = []
        self.web_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.message_file = log_dir / "messages.jsonl"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PGAPPNAME"}},
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
            "DATABASE_URL": database,
            "REDIS_URL": redis_server.url,
            "CACHE_KEY_PREFIX": f"faults-{uuid.uuid4().hex[:8]}",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "MESSAGE_BACKEND": "tests.faults.gateway.HoldingFileBackend",
            "MESSAGE_FILE_PATH": str(self.message_file),
            # Every queued message goes at once, whatever the hour the suite runs at and however many one customer gets.
            "NOTICE_QUIET_HOURS": "",
            "NOTICE_DAILY_CAP": "0",
            "MEDIA_ROOT": str(log_dir / "media"),
            "PUBLIC_BASE_URL": self.base_url,
            "CELERY_BEAT_SCHEDULE_FILENAME": str(log_dir / "celerybeat-schedule"),
            # Seconds before Redis hands out again a task a killed worker had taken (5 minutes in production).
            "CELERY_VISIBILITY_TIMEOUT": "4",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    def _service(self, name: str, argv: list[str]) -> Service:
        env = {**self.env, "PGAPPNAME": f"{APPLICATION_NAME}-{name}"}
        service = Service(name, argv, env, self.log_dir)
        self.services.append(service)
        return service.start()

    def web(self) -> Service:
        """Start uvicorn serving helpdesk.asgi:application; return once it answers."""
        service = self._service("web", [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host",
                                        "127.0.0.1", "--port", str(self.web_port), "--log-level", "warning",
                                        "--lifespan", "off"])

        def answers():
            assert service.process.poll() is None, service.log_tail()
            try:
                return requests.get(f"{self.base_url}/login/", timeout=2).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(answers, timeout=60, what="uvicorn answering", interval=0.2)
        return service

    def worker(self, name: str = "worker", *, concurrency: int = 2) -> Service:
        return self._service(name, [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-l", "warning",
                                    "--concurrency", str(concurrency), "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h",
                                    "--without-gossip", "--without-mingle", "--without-heartbeat"])

    def beat(self) -> Service:
        return self._service("beat", [sys.executable, "-m", "celery", "-A", "helpdesk", "beat", "-l", "warning",
                                      "--schedule", self.env["CELERY_BEAT_SCHEDULE_FILENAME"]])

    def send_as_beat(self, task_name: str) -> None:
        """Send a periodic task the way beat sends it (its options from the one schedule) to this stack's Redis."""
        entry = next(entry for entry in app.conf.beat_schedule.values() if entry["task"] == task_name)
        with app.connection_for_write(self.redis.url) as connection:
            app.send_task(task_name, args=entry.get("args", ()), connection=connection, ignore_result=True,
                          **entry.get("options", {}))

    def broker_idle(self) -> bool:
        """Return whether every task sent to this stack's Redis was taken and acknowledged."""
        client = redis.Redis.from_url(self.redis.url)
        try:
            return client.llen(app.conf.task_default_queue) == 0 and client.hlen("unacked") == 0
        finally:
            client.close()

    def gateway_references(self) -> Counter:
        """Return how many times the SMS gateway took each message (by its reference, our message id)."""
        if not self.message_file.exists():
            return Counter()
        lines = self.message_file.read_text(encoding="utf-8").splitlines()
        return Counter(json.loads(line)["reference"] for line in lines if line.strip())

    def logs(self) -> str:
        return "\n".join(service.log_tail() for service in self.services)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield sink
    sink.shutdown()
    sink.server_close()


@pytest.fixture
def stack(transactional_db, redis_server, smtp_sink, tmp_path):
    """The processes of `make run` on the test database; stopped before the database is emptied for the next test."""
    from django.db import connection

    started = Stack(redis_server=redis_server, sink=smtp_sink, log_dir=tmp_path,
                    database=database_url(connection.settings_dict))
    yield started
    started.stop()
    print(started.logs())  # pytest shows it only when the test failed


def login(base_url: str, username: str, password: str) -> requests.Session:
    """Return a browser-like session logged in through the login form."""
    session = requests.Session()
    session.get(f"{base_url}/login/", timeout=10)
    answer = session.post(f"{base_url}/login/", data={"username": username, "password": password,
                                                      "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return session


def form_post(session: requests.Session, url: str, data: dict) -> requests.Response:
    """POST a form the way the page does, with its CSRF token."""
    return session.post(url, data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                        allow_redirects=False, timeout=15)


class EventSource:
    """Read a Server-Sent Events stream in a thread as a browser's EventSource does.

    When the stream ends or fails it connects again after the server's ``retry:`` delay, sending the
    last event id it saw as ``Last-Event-ID``. Every event is kept with the number of the connection
    that brought it. ``url`` may be a function returning the URL of each connection (the chat widget
    asks for a new stream ticket every time).
    """

    def __init__(self, url, *, cookies=None):
        self.url, self.cookies = url, cookies
        self.lock = threading.Lock()
        self.events: list[dict] = []
        self.connections = 0  # connections that answered 200
        self.open_connection = 0  # the number of the connection open now, 0 when none is
        self.opened_at = 0.0
        self.refused: Counter = Counter()  # statuses other than 200
        self.last_id: str | None = None
        self.retry = 2.0
        self.closing = threading.Event()
        self.response = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.closing.is_set():
            headers = {"Last-Event-ID": self.last_id} if self.last_id else {}
            try:
                url = self.url() if callable(self.url) else self.url
                with requests.get(url, headers=headers, cookies=self.cookies, stream=True, timeout=(3, 40)) as answer:
                    if answer.status_code != 200:
                        self.refused[answer.status_code] += 1
                    else:
                        self.response = answer
                        with self.lock:
                            self.connections += 1
                            self.open_connection, self.opened_at = self.connections, time.monotonic()
                        self._read(answer, self.connections)
            except (requests.RequestException, AttributeError, ValueError):
                pass
            finally:
                self.open_connection = 0
            self.closing.wait(self.retry)

    def _read(self, answer, connection: int):
        event: dict = {}
        for line in answer.iter_lines(decode_unicode=True):
            if line.startswith(":"):
                continue
            if line == "":
                if "data" in event:
                    if event.get("id"):
                        self.last_id = event["id"]
                    with self.lock:
                        self.events.append({"event": event.get("event", "message"), "id": event.get("id"),
                                            "data": json.loads(event["data"]), "connection": connection})
                event = {}
                continue
            key, _sep, value = line.partition(": ")
            if key == "retry":
                self.retry = int(value) / 1000
            else:
                event[key] = value

    def of_kind(self, kind: str) -> list[dict]:
        with self.lock:
            return [event for event in self.events if event["event"] == kind]

    def close(self):
        self.closing.set()
        if self.response is not None:
            self.response.close()
        self.thread.join(10)
