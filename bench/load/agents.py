"""Agents at work under load: N agents listing, opening, searching and replying while M live chats run.

Run by ``make bench-load`` (``python -m bench load``). It starts the production shape (docs/runtime.md):
the web process (granian, ``manage.py web``) for pages and the API, the streams process (uvicorn) for
the chat streams. Each agent is a user of the bench team with a browser session and an API token;
in a closed loop with a think time it opens the inbox, a ticket of the team, the global search
(palette JSON) and, every few rounds, posts a reply through the API. The chats run as ``make
bench-chat`` runs them (bench/load/chat.py), at the same time. It reports sustained requests per
second, median and p95 per kind of request and overall, errors, and the chat delivery figures, and
saves the whole report as JSON.
"""

import asyncio
import json
import random
import statistics
import time
from pathlib import Path
from urllib.parse import quote

from bench.load.chat import Connection

KINDS = ("inbox", "ticket", "search", "reply")
# The rows this load adds to the results file: (name, key of the figure, unit).
LOAD_ROWS = {
    "load: agents' requests per second": ("rps", "requests/s"),
    "load: agents' request latency under load": ("median_ms", "ms"),
    "load: errors": ("errors", "requests"),
}


def agents_prepare(count: int) -> list[dict]:
    """Create (once) ``count`` agents in the demo agent's team; return each one's cookie, token and ticket ids."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from helpdesk.models import Team, User
    from helpdesk.roles import Role
    from helpdesk.services import api_token_issue
    from tickets.models import Ticket

    team = Team.objects.filter(members__username="agent").order_by("id").first()
    group = Group.objects.get(name=Role.AGENT.value)
    tickets = list(Ticket.objects.filter(team=team).order_by("-id").values_list("id", flat=True)[:500])
    searches = list(Ticket.objects.filter(team=team).select_related("customer").order_by("id")
                    .values_list("number", "customer__phone")[:200])
    agents = []
    for number in range(count):
        user, created = User.objects.get_or_create(username=f"bench-agent-{number}",
                                                   defaults={"display_name": f"压测坐席{number}"})
        if created:
            user.groups.add(group)
            team.members.add(user)
        client = Client()
        client.force_login(user)
        agents.append({"cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
                       "token": api_token_issue(user=user).key, "tickets": tickets,
                       "searches": [value for pair in searches for value in pair if value]})
    return agents


async def agents_run(agents: list[dict], *, port: int, duration: float, think: float, reply_every: int) -> dict:
    """Loop every agent through inbox → ticket → search (→ reply) until ``duration`` ends; return the figures."""
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors: list[str] = []
    stop_at = time.perf_counter() + duration

    async def timed(connection: Connection, kind: str, method: str, path: str, *, headers: dict, body: bytes = b"",
                    ok=(200,)):
        started = time.perf_counter()
        try:
            status, _data = await connection.request(method, path, headers=headers, body=body)
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as error:
            errors.append(f"{kind}: {error!r}")
            raise
        if status not in ok:
            errors.append(f"{kind}: {status}")
        timings[kind].append((time.perf_counter() - started) * 1000)

    async def agent(state: dict):
        connection = Connection("127.0.0.1", port)
        await connection.open()
        page = {"Cookie": state["cookie"]}
        api = {"Authorization": f"Token {state['token']}", "Content-Type": "application/json"}
        await asyncio.sleep(random.uniform(0, think))
        rounds = 0
        while time.perf_counter() < stop_at:
            rounds += 1
            ticket = random.choice(state["tickets"])
            try:
                await timed(connection, "inbox", "GET", "/inbox/", headers=page)
                await timed(connection, "ticket", "GET", f"/tickets/{ticket}/", headers=page)
                query = quote(random.choice(state["searches"]))
                await timed(connection, "search", "GET", f"/search/?format=json&q={query}", headers=page)
                if rounds % reply_every == 0:
                    body = json.dumps({"body": "您好，已为您查询，请稍候。"}).encode()
                    await timed(connection, "reply", "POST", f"/api/v1/tickets/{ticket}/messages/", headers=api,
                                body=body, ok=(201,))
            except (ConnectionError, OSError, asyncio.IncompleteReadError):
                connection.close()
                connection = Connection("127.0.0.1", port)
                await connection.open()
            await asyncio.sleep(random.uniform(think / 2, think * 1.5))
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(agent(state) for state in agents))
    elapsed = time.perf_counter() - started
    every = sorted(value for values in timings.values() for value in values)
    result = {"agents": len(agents), "duration_s": duration, "think_s": think, "requests": len(every),
              "rps": round(len(every) / elapsed, 1), "errors": len(errors), "first_errors": errors[:5],
              "median_ms": _median(every), "p95_ms": _p95(every)}
    for kind, values in timings.items():
        values.sort()
        result[kind] = {"requests": len(values), "median_ms": _median(values), "p95_ms": _p95(values)}
    return result


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _p95(values: list[float]) -> float | None:
    return round(values[max(0, int(len(values) * 0.95) - 1)], 1) if values else None


def load_rows(result: dict, *, date: str, machine: str) -> list[dict]:
    """Return the results rows of one load run: agents' requests/s, latency (median, p95) and errors."""
    from bench.results import result_row

    agents = result["agents"]
    size = (f"{agents['agents']} agents ({agents['think_s']:g} s think time) and {result['chats']['chats']} chats "
            f"for {agents['duration_s']:g} s, {agents['requests']:,} requests")
    errors = agents["errors"] + sum(result["chats"].get(key, 0) for key in ("errors", "lost_agent", "lost_customer"))
    figures = {**agents, "errors": errors}
    return [result_row(case=name, module="load", median=figures[key], unit=unit, data_size=size, date=date,
                       machine=machine, p95=agents["p95_ms"] if key == "median_ms" else None)
            for name, (key, unit) in LOAD_ROWS.items()]


def report_write(path: Path, result: dict) -> None:
    """Save the whole report (every figure of the agents and the chats) as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
