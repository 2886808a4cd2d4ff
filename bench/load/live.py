"""The live workspace under load: N agents each with one workspace stream open, ticket events at a steady rate.

Run by ``make bench-live`` (``python -m bench live``). It starts the streams process as production runs it
(``uvicorn helpdesk.asgi:application``, production settings), creates ``--agents`` agents in teams of
``--team-size``, logs each in and opens one ``/live/stream/`` per agent, as one open page does. Once every
stream said ``hello`` it first measures the streams process's CPU over ``--idle-seconds`` with every stream
idle, then files ``--rate`` new tickets a minute for ``--duration`` seconds through the ticket service
(``ticket_create``, each in a team picked in turn), as the web form does. Each event concerns every agent of
the ticket's team; the figure is the time from the start of the service call to the event on each of those
agents' streams (median, p95), plus events lost (a concerned agent never heard it), duplicated or heard by
an agent of another team.
"""

import asyncio
import os
import statistics
import time

from bench.load.chat import Connection, _wait_for_port, processes_stop, server_cpu, streams_start

# The rows this load adds to the results file: (name, key of the figure, unit).
LIVE_ROWS = {
    "live workspace: ticket event → every concerned agent": ("latency_ms_median", "ms"),
    "live workspace: streams process CPU, every stream idle": ("idle_cpu_percent", "% of a core"),
    "live workspace: events lost, duplicated or misdelivered": ("faults", "deliveries"),
}
FAULTS = ("lost", "duplicated", "misdelivered", "errors")


def prepare(agents: int, team_size: int) -> tuple[list[int], list[tuple[int, int, str]]]:
    """Create the bench teams and agents; return the team ids and each agent's (user id, team id, session cookie)."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    from helpdesk.databases import database_ensure
    from helpdesk.models import Team, User
    from helpdesk.roles import Role, role_groups_sync

    database_ensure()
    call_command("migrate", verbosity=0)
    role_groups_sync(apps)
    group = Group.objects.get(name=Role.AGENT.value)
    teams = [Team.objects.get_or_create(code=f"bench-live-{n}", defaults={"name": f"实时压测{n}"})[0]
             for n in range((agents + team_size - 1) // team_size)]
    people = []
    for n in range(agents):
        team = teams[n // team_size]
        agent, created = User.objects.get_or_create(username=f"bench-live-{n}", defaults={"display_name": f"实时客服{n}"})
        if created:
            agent.groups.add(group)
        team.members.add(agent)
        client = Client()
        client.force_login(agent)
        people.append((agent.pk, team.pk, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"))
    return [team.pk for team in teams], people


def file_tickets(team_ids: list[int], *, rate: float, duration: float, started: dict[int, tuple[float, int]],
                 errors: list[str]) -> None:
    """File ``rate`` tickets a minute for ``duration`` seconds, teams in turn; record each one's start time and team."""
    from django.db import connections

    from customers.models import Customer
    from helpdesk.models import Team
    from tickets.models import Ticket
    from tickets.services import ticket_create

    teams = list(Team.objects.filter(pk__in=team_ids).order_by("pk"))
    customer, _created = Customer.objects.get_or_create(phone="13800009999", defaults={"name": "实时压测客户"})
    every = 60.0 / rate
    begin = time.perf_counter()
    number = 0
    try:
        while True:
            due = begin + number * every
            if due - begin >= duration:
                return
            time.sleep(max(0.0, due - time.perf_counter()))
            team = teams[number % len(teams)]
            number += 1
            at = time.perf_counter()
            try:
                ticket = ticket_create(actor=None, customer=customer, team=team, subject=f"实时压测 {number}",
                                       channel=Ticket.Channel.WEB)
            except Exception as error:  # noqa: BLE001 - a refused write is a figure of the run, not its end
                errors.append(repr(error))
                continue
            started[ticket.pk] = (at, team.pk)
    finally:
        connections.close_all()


async def run(args, team_ids, people, port: int, streams_pid: int) -> dict:
    import psutil

    host = "127.0.0.1"
    heard: dict[tuple[int, int], int] = {}  # (user id, ticket id) -> times heard
    arrivals: dict[tuple[int, int], float] = {}
    team_of = {user_id: team_id for user_id, team_id, _cookie in people}
    hello = 0
    all_open = asyncio.Event()
    errors: list[str] = []

    async def agent(user_id: int, cookie: str):
        nonlocal hello
        connection = Connection(host, port)
        await connection.open()
        try:
            async for event, data in connection.stream("/live/stream/", headers={"Cookie": cookie}):
                if event == "hello":
                    hello += 1
                    if hello == len(people):
                        all_open.set()
                elif event == "live" and data.get("kind") == "created":
                    key = (user_id, data["ticket"])
                    heard[key] = heard.get(key, 0) + 1
                    arrivals.setdefault(key, time.perf_counter())
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as error:
            errors.append(repr(error))
        finally:
            connection.close()

    readers = [asyncio.create_task(agent(user_id, cookie)) for user_id, _team, cookie in people]
    await asyncio.wait_for(all_open.wait(), timeout=120)
    await asyncio.sleep(2)

    process = psutil.Process(streams_pid)
    cpu_before, wall_before = server_cpu([streams_pid]), time.perf_counter()
    await asyncio.sleep(args.idle_seconds)
    idle_cpu = (server_cpu([streams_pid]) - cpu_before) / (time.perf_counter() - wall_before)
    rss_idle = process.memory_info().rss

    started: dict[int, tuple[float, int]] = {}
    cpu_before, load_before = server_cpu([streams_pid]), os.getloadavg()
    await asyncio.to_thread(file_tickets, team_ids, rate=args.rate, duration=args.duration, started=started, errors=errors)
    await asyncio.sleep(args.grace)
    busy_cpu = server_cpu([streams_pid]) - cpu_before
    for reader in readers:
        reader.cancel()

    members: dict[int, list[int]] = {}
    for user_id, team_id in team_of.items():
        members.setdefault(team_id, []).append(user_id)
    latencies, lost = [], 0
    for ticket_id, (at, team_id) in started.items():
        for user_id in members.get(team_id, []):
            arrived = arrivals.get((user_id, ticket_id))
            if arrived is None:
                lost += 1
            else:
                latencies.append((arrived - at) * 1000)
    misdelivered = sum(1 for (user_id, ticket_id) in heard
                       if ticket_id in started and started[ticket_id][1] != team_of[user_id])
    latencies.sort()

    def percentile(share: float):
        return round(latencies[max(0, int(len(latencies) * share) - 1)], 1) if latencies else None

    return {
        "agents": len(people), "team_size": args.team_size, "rate_per_minute": args.rate, "duration_s": args.duration,
        "events": len(started), "deliveries_expected": len(latencies) + lost, "delivered": len(latencies),
        "lost": lost, "duplicated": sum(count - 1 for count in heard.values() if count > 1),
        "misdelivered": misdelivered, "errors": len(errors), "first_errors": errors[:5],
        "latency_ms_median": round(statistics.median(latencies), 1) if latencies else None,
        "latency_ms_p95": percentile(0.95), "latency_ms_p99": percentile(0.99),
        "latency_ms_max": round(latencies[-1], 1) if latencies else None,
        "idle_seconds": args.idle_seconds, "idle_cpu_percent": round(idle_cpu * 100, 2),
        "busy_cpu_ms_per_event": round(busy_cpu * 1000 / max(len(started), 1), 2),
        "rss_idle_mb": round(rss_idle / 2**20, 1),
        "load_average_before": [round(x, 2) for x in load_before],
    }


def load_run(args) -> dict:
    """Prepare the agents, start the streams process, run the load of ``args`` against it and stop it."""
    import uvloop

    from helpdesk.embedded import free_port

    team_ids, people = prepare(args.agents, args.team_size)
    port = free_port()
    streams = streams_start(port)
    try:
        _wait_for_port(port, streams, "uvicorn")
        return asyncio.run(run(args, team_ids, people, port, streams.pid), loop_factory=uvloop.new_event_loop)
    finally:
        processes_stop([streams])


def live_rows(result: dict, *, date: str, machine: str) -> list[dict]:
    """Return the results rows of one run: delivery latency, idle CPU, faults."""
    from bench.results import result_row

    size = (f"{result['agents']} agents in teams of {result['team_size']}, {result['rate_per_minute']:g} ticket events "
            f"a minute for {result['duration_s']:g} s, {result['deliveries_expected']:,} deliveries")
    figures = {**result, "faults": sum(result[key] for key in FAULTS)}
    rows = []
    for name, (key, unit) in LIVE_ROWS.items():
        p95 = result["latency_ms_p95"] if key == "latency_ms_median" else None
        data_size = (f"{result['agents']} idle streams for {result['idle_seconds']:g} s"
                     if key == "idle_cpu_percent" else size)
        rows.append(result_row(case=name, module="live", median=figures[key], p95=p95, unit=unit, data_size=data_size,
                               date=date, machine=machine))
    return rows
