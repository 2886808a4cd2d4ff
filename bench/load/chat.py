"""Live chat under load: the production shape, N customer chats each sending a message every few seconds.

Run by ``make bench-chat`` (``python -m bench chat``). It starts the two server processes as production
runs them (docs/runtime.md), with production settings: the web process (granian, one worker,
``manage.py web``) takes the message POSTs and stream tickets, the streams process
(``uvicorn helpdesk.asgi:application``) the event streams. It creates the chats through the services,
opens one SSE stream per customer and one agent inbox stream, and has every customer POST a message
every ``--interval`` seconds (random phase) once every customer stream is open. It reports the
customer→agent delivery latency (from the start of the POST to the event on the agent's stream), lost
and duplicated messages on both sides, the servers' and its own CPU per message, then opens ``--idle``
more idle customer streams and reports the streams process's RSS growth per stream.
"""

import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time

# The rows this load adds to the results file: (name, key of the figure, unit).
CHAT_ROWS = {
    "live chat: customer → agent delivery": ("latency_ms_median", "ms"),
    "live chat: server CPU per message": ("server_cpu_ms_per_message", "ms"),
    "live chat: server memory per idle stream": ("kb_per_idle_stream", "KB"),
    "live chat: messages lost, duplicated or refused": ("faults", "messages"),
}
FAULTS = ("lost_agent", "duplicated_agent", "lost_customer", "duplicated_customer", "errors")


class Connection:
    """A minimal keep-alive HTTP/1.1 client over asyncio streams (chunked or Content-Length bodies)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, *, body: bytes = b"", headers: dict | None = None):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status, response_headers = await self._head()
        if response_headers.get("transfer-encoding") == "chunked":
            data = b""
            async for chunk in self._chunks():
                data += chunk
        else:
            data = await self.reader.readexactly(int(response_headers.get("content-length", 0)))
        return status, data

    async def _head(self):
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            key, _sep, value = line.decode().partition(":")
            headers[key.strip().lower()] = value.strip()
        return int(status_line.split()[1]), headers

    async def _chunks(self):
        while True:
            size = int((await self.reader.readline()).strip() or b"0", 16)
            if size == 0:
                await self.reader.readline()
                return
            chunk = await self.reader.readexactly(size)
            await self.reader.readexactly(2)
            yield chunk

    async def stream(self, path: str, headers: dict | None = None):
        """Yield (event, data) of a Server-Sent Events response."""
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: text/event-stream"]
        lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self.writer.drain()
        status, _headers = await self._head()
        if status != 200:
            raise ConnectionError(f"stream answered {status}")
        buffer = ""
        async for chunk in self._chunks():
            buffer += chunk.decode()
            while "\n\n" in buffer:
                block, buffer = buffer.split("\n\n", 1)
                fields = {}
                for line in block.split("\n"):
                    if line.startswith(":"):
                        continue
                    key, _sep, value = line.partition(": ")
                    fields[key] = value
                if "data" in fields:
                    yield fields.get("event", "message"), json.loads(fields["data"])

    def close(self):
        if self.writer is not None:
            self.writer.close()


def prepare(chats: int, idle: int):
    """Create the bench team, agent, widget and sessions; return the agent's session cookie and the sessions."""
    from django.core.management import call_command
    from django.test import Client

    from helpdesk.databases import database_ensure
    from helpdesk.models import Team, User
    from helpdesk.roles import Role, role_groups_sync
    from chat.models import ChatSession, ChatWidget

    database_ensure()
    call_command("migrate", verbosity=0)
    from django.apps import apps
    from django.contrib.auth.models import Group

    role_groups_sync(apps)
    team, _created = Team.objects.get_or_create(code="bench-chat", defaults={"name": "压测团队"})
    agent, created = User.objects.get_or_create(username="bench-chat-agent", defaults={"display_name": "压测客服"})
    if created:
        agent.groups.add(Group.objects.get(name=Role.AGENT.value))
    team.members.add(agent)
    widget, _created = ChatWidget.objects.get_or_create(key="bench-chat", defaults={"name": "压测店铺", "team": team})
    # Earlier runs' chats end, so the agent's inbox replays nothing old.
    ChatSession.objects.filter(widget=widget).exclude(status=ChatSession.Status.ENDED).update(status=ChatSession.Status.ENDED)
    sessions = ChatSession.objects.bulk_create([
        ChatSession(widget=widget, team=team, visitor_name=f"压测{i}", visitor_phone="", token=secrets.token_urlsafe(24))
        for i in range(chats + idle)
    ])
    client = Client()
    client.force_login(agent)
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    from chat.models import ChatEvent

    last_event = ChatEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return cookie, last_event, [(session.pk, session.token) for session in sessions]


async def stream_path(connection: Connection, session_id: int, token: str) -> str:
    """Return a chat's stream path with a new stream ticket, asked for as the widget does (token in a header)."""
    status, data = await connection.request("POST", f"/api/v1/chat/sessions/{session_id}/stream/",
                                            headers={"X-Chat-Token": token})
    if status != 201:
        raise ConnectionError(f"stream ticket answered {status}")
    return json.loads(data)["stream"]


def server_cpu(pids: list[int]) -> float:
    """Return the user and system CPU seconds of the server processes and their children."""
    import psutil

    total = 0.0
    for pid in pids:
        process = psutil.Process(pid)
        for member in (process, *process.children(recursive=True)):
            total += sum(member.cpu_times()[:2])
    return total


async def run(args, cookie, last_event, sessions, ports, server_pids, started: asyncio.Event | None = None):
    import psutil

    host = "127.0.0.1"
    port, web_port = ports  # the streams process's and the web process's
    sent: dict[str, float] = {}
    agent_seen: dict[str, int] = {}
    customer_seen: dict[str, int] = {}
    latencies: list[float] = []
    errors: list[str] = []
    ready = asyncio.Event()

    async def agent_reader():
        connection = Connection(host, port)
        await connection.open()
        ready.set()
        # Last-Event-ID: anything published before the stream subscribed is replayed from the database.
        stream = connection.stream("/chat/inbox/stream/", headers={"Cookie": cookie, "Last-Event-ID": str(last_event)})
        async for event, data in stream:
            if event == "message":
                key = data["message"]["body"]
                now = time.perf_counter()
                agent_seen[key] = agent_seen.get(key, 0) + 1
                if key in sent and agent_seen[key] == 1:
                    latencies.append((now - sent[key]) * 1000)

    streams_open = 0
    all_open = asyncio.Event()
    start = asyncio.Event()
    stop_at = 0.0

    async def customer(session_id: int, token: str):
        stream = Connection(host, port)
        poster = Connection(host, web_port)
        await stream.open()
        await poster.open()

        async def read():
            nonlocal streams_open
            async for event, data in stream.stream(await stream_path(poster, session_id, token)):
                if event == "message":
                    customer_seen[data["body"]] = customer_seen.get(data["body"], 0) + 1
                elif event == "state":
                    streams_open += 1
                    if streams_open == args.chats:
                        all_open.set()

        reader = asyncio.create_task(read())
        await start.wait()
        await asyncio.sleep(random.uniform(0, args.interval))
        number = 0
        while time.perf_counter() < stop_at:
            number += 1
            key = f"bench {session_id}-{number}"
            body = json.dumps({"body": key}).encode()
            sent[key] = time.perf_counter()
            try:
                status, _data = await poster.request("POST", f"/api/v1/chat/sessions/{session_id}/messages/", body=body,
                                                     headers={"Content-Type": "application/json", "X-Chat-Token": token})
                if status != 201:
                    errors.append(f"POST {status}")
                    sent.pop(key, None)
            except (ConnectionError, OSError, asyncio.IncompleteReadError) as error:
                errors.append(repr(error))
                sent.pop(key, None)
                poster.close()
                poster = Connection(host, web_port)
                await poster.open()
            await asyncio.sleep(args.interval)
        await asyncio.sleep(args.grace)
        reader.cancel()
        stream.close()
        poster.close()

    agent_task = asyncio.create_task(agent_reader())
    await ready.wait()
    # Every customer's stream is open (its state event read) before the clock starts: the figures are of messages only.
    busy = [asyncio.create_task(customer(pk, token)) for pk, token in sessions[: args.chats]]
    await asyncio.wait_for(all_open.wait(), timeout=120)
    await asyncio.sleep(3)
    load_before = os.getloadavg()
    cpu_before = [server_cpu([pid]) for pid in server_pids]
    client_before = sum(psutil.Process().cpu_times()[:2])
    stop_at = time.perf_counter() + args.duration
    start.set()
    if started is not None:
        started.set()
    await asyncio.gather(*busy, return_exceptions=True)
    agent_task.cancel()
    load_after = os.getloadavg()
    cpu_each = [server_cpu([pid]) - before for pid, before in zip(server_pids, cpu_before)]
    cpu_used = sum(cpu_each)
    client_used = sum(psutil.Process().cpu_times()[:2]) - client_before

    delivered = [key for key in sent if agent_seen.get(key)]
    result = {
        "chats": args.chats, "interval_s": args.interval, "duration_s": args.duration, "messages_sent": len(sent),
        "delivered_to_agent": len(delivered), "lost_agent": len(sent) - len(delivered),
        "duplicated_agent": sum(count - 1 for count in agent_seen.values() if count > 1),
        "lost_customer": sum(1 for key in sent if not customer_seen.get(key)),
        "duplicated_customer": sum(count - 1 for count in customer_seen.values() if count > 1),
        "errors": len(errors), "first_errors": errors[:5],
        "latency_ms_median": round(statistics.median(latencies), 1) if latencies else None,
        "latency_ms_p95": round(sorted(latencies)[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
        "latency_ms_p99": round(sorted(latencies)[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "latency_ms_max": round(max(latencies), 1) if latencies else None,
        "server_cpu_s": round(cpu_used, 1), "server_cpu_ms_per_message": round(cpu_used * 1000 / max(len(sent), 1), 1),
        "streams_cpu_ms_per_message": round(cpu_each[0] * 1000 / max(len(sent), 1), 2),
        "web_cpu_ms_per_message": round(cpu_each[1] * 1000 / max(len(sent), 1), 2),
        "client_cpu_s": round(client_used, 1),
        "client_cpu_ms_per_message": round(client_used * 1000 / max(len(sent), 1), 1),
        "load_average_before": [round(x, 2) for x in load_before], "load_average_after": [round(x, 2) for x in load_after],
    }

    if args.idle:
        process = psutil.Process(server_pids[0])
        await asyncio.sleep(2)
        rss_before = process.memory_info().rss
        idle_connections = []
        opened = 0

        async def idle_stream(session_id, token):
            nonlocal opened
            ticket = Connection(host, web_port)
            await ticket.open()
            path = await stream_path(ticket, session_id, token)
            ticket.close()
            connection = Connection(host, port)
            await connection.open()
            idle_connections.append(connection)
            async for event, _data in connection.stream(path):
                if event == "state":
                    opened += 1

        tasks = [asyncio.create_task(idle_stream(pk, token)) for pk, token in sessions[args.chats:]]
        deadline = time.perf_counter() + 120
        while opened < len(tasks) and time.perf_counter() < deadline:
            await asyncio.sleep(0.5)
        await asyncio.sleep(3)
        rss_after = process.memory_info().rss
        result.update({"idle_streams": opened, "rss_before_mb": round(rss_before / 2**20, 1),
                       "rss_after_mb": round(rss_after / 2**20, 1),
                       "kb_per_idle_stream": round((rss_after - rss_before) / max(opened, 1) / 1024, 1)})
        for task in tasks:
            task.cancel()
        for connection in idle_connections:
            connection.close()
    return result


def _wait_for_port(port: int, process: subprocess.Popen, name: str) -> None:
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                raise SystemExit(f"{name} did not start")
            time.sleep(0.3)


def streams_start(port: int) -> subprocess.Popen:
    """Start the streams process as production runs it: uvicorn serving ``helpdesk.asgi:application``."""
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "2", "--timeout-keep-alive", "30",
         "--limit-concurrency", "10000"],
        env=dict(os.environ),
    )


def processes_stop(processes: list[subprocess.Popen]) -> None:
    """Stop the server processes, killing one that does not end within 15 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def load_run(args, beside=None) -> dict:
    """Prepare the chats, start the web and streams processes, run the load of ``args`` (chats, interval,
    duration, grace, idle) against them and stop them; return the figures.

    ``beside(web_port)`` is another load's coroutine, started when the chats start sending; then the
    figures are ``{"chats": …, "other": …}``.
    """
    import uvloop

    from helpdesk.embedded import free_port
    from helpdesk.management.commands.web import web_command

    cookie, last_event, sessions = prepare(args.chats, args.idle)
    port, web_port = free_port(), free_port()
    streams = streams_start(port)
    web = subprocess.Popen(web_command(host="127.0.0.1", port=web_port, workers=getattr(args, "workers", 1)),
                           env=dict(os.environ))
    try:
        _wait_for_port(port, streams, "uvicorn")
        _wait_for_port(web_port, web, "granian")
        async def together():
            started = asyncio.Event()
            chats = asyncio.create_task(run(args, cookie, last_event, sessions, (port, web_port),
                                            [streams.pid, web.pid], started))
            if beside is None:
                return await chats
            waiting = asyncio.create_task(started.wait())
            await asyncio.wait({chats, waiting}, return_when=asyncio.FIRST_COMPLETED)
            if not started.is_set():
                waiting.cancel()
                return await chats  # the chats failed before sending: their error ends the run
            other = await beside(web_port)
            return {"chats": await chats, "other": other}

        return asyncio.run(together(), loop_factory=uvloop.new_event_loop)
    finally:
        processes_stop([streams, web])


def chat_rows(result: dict, *, date: str, machine: str) -> list[dict]:
    """Return the results rows of one load run: delivery latency, CPU per message, memory per idle stream, faults."""
    from bench.results import result_row

    size = (f"{result['chats']} chats, a message every {result['interval_s']:g} s for {result['duration_s']:g} s, "
            f"{result['messages_sent']:,} messages")
    figures = {**result, "faults": sum(result[key] for key in FAULTS)}
    rows = []
    for name, (key, unit) in CHAT_ROWS.items():
        if figures.get(key) is None and key == "kb_per_idle_stream":
            continue  # no idle streams opened in this run
        p95 = result["latency_ms_p95"] if key == "latency_ms_median" else None
        rows.append(result_row(case=name, module="chat", median=figures[key], p95=p95, unit=unit,
                               data_size=f"{size}, {result['idle_streams']:,} idle streams" if key == "kb_per_idle_stream" else size,
                               date=date, machine=machine))
    return rows
