"""Time one case in-process: a request through the test client, or a function call.

Times are server time (request through middleware, view and template or serializer), not network.
A case with ``call`` times that function instead of a request (a sweep, a recomputation).
"""

import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.upkeep import database_upkeep


@dataclass
class BenchCase:
    """One measured request: ``path`` may be a callable that returns the path (for ids looked up at run time)."""

    name: str
    path: str | Callable[[], str]
    username: str | None = "agent"
    method: str = "get"
    data: dict | Callable[[], dict] | None = None
    repeat: int = 50
    expect: tuple[int, ...] = (200,)
    headers: dict = field(default_factory=dict)
    call: Callable[[], object] | None = None
    module: str = ""
    setup: Callable[[], object] | None = None  # run before each call of a function case, not timed
    floor: str = ""  # the name of the floor case this one is set against in the same run (its median ÷ the floor's)


@dataclass
class BenchResult:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int
    runs: int


def _result(case: BenchCase, timings: list[float], queries: int, status: int) -> BenchResult:
    timings = sorted(timings)
    p95 = timings[min(len(timings) - 1, int(round(len(timings) * 0.95)) - 1)]
    return BenchResult(case.name, statistics.median(timings), p95, queries, status, len(timings))


def case_call(case: BenchCase, *, repeat: int | None = None) -> BenchResult:
    """Run a function case: a warm-up and due upkeep, then time each call after its untimed setup; count one more."""
    setup = case.setup or (lambda: None)
    setup()
    case.call()
    database_upkeep()
    timings = []
    for _ in range(repeat or case.repeat):
        setup()
        started = time.perf_counter()
        case.call()
        timings.append((time.perf_counter() - started) * 1000)
    setup()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        case.call()
    return _result(case, timings, len(queries), 0)


def case_run(case: BenchCase, *, repeat: int | None = None) -> BenchResult:
    """Run one case: a warm-up and due upkeep, then time each request and count the queries of the last one."""
    from helpdesk.models import User

    if case.call is not None:
        return case_call(case, repeat=repeat)

    client = Client()
    if case.username:
        client.force_login(User.objects.get(username=case.username))
    send = getattr(client, case.method)
    path = case.path() if callable(case.path) else case.path
    data = case.data() if callable(case.data) else case.data
    kwargs = {"content_type": "application/json"} if case.method != "get" and data is not None else {}
    send(path, data, headers=case.headers, **kwargs)
    database_upkeep()
    timings = []
    for _ in range(repeat or case.repeat):
        started = time.perf_counter()
        response = send(path, data, headers=case.headers, **kwargs)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code not in case.expect:
            raise AssertionError(f"{case.name}: {path} answered {response.status_code}")
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        send(path, data, headers=case.headers, **kwargs)
    return _result(case, timings, len(queries), response.status_code)
