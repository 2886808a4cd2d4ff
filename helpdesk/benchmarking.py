"""`make bench`: time pages and endpoints in-process on generated data.

Each app may have a ``bench.py`` (or ``bench_<feature>.py``, listed in ``BENCH_MODULES``) with
``BENCH_CASES``; a case names the user it runs as, the request, and how many times to repeat it.
Times are server time (request through middleware, view and template or serializer), not network.
A case with ``call`` times that function instead of a request (a sweep, a recomputation).
"""

import importlib
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

from django.apps import apps
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


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


@dataclass
class BenchResult:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int


BENCH_MODULES = ["bench", "bench_sla", "bench_channels", "bench_followups"]


def bench_cases() -> list[BenchCase]:
    """Return every app's benchmark cases, in INSTALLED_APPS order."""
    cases = []
    for app_config in apps.get_app_configs():
        for module_name in BENCH_MODULES:
            try:
                module = importlib.import_module(f"{app_config.name}.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.{module_name}":
                    raise
                continue
            for case in module.BENCH_CASES:
                case.module = module.__name__
                cases.append(case)
    return cases


def bench_call(case: BenchCase, *, repeat: int | None = None) -> BenchResult:
    """Run a function case: a warm-up, then time each call and count the queries of the last one."""
    case.call()
    timings = []
    for _ in range(repeat or case.repeat):
        started = time.perf_counter()
        case.call()
        timings.append((time.perf_counter() - started) * 1000)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        case.call()
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(len(timings) * 0.95)) - 1)]
    return BenchResult(case.name, statistics.median(timings), p95, len(queries), 0)


def bench_run(case: BenchCase, *, repeat: int | None = None) -> BenchResult:
    """Run one case: a warm-up, then time each request and count the queries of the last one."""
    from helpdesk.models import User

    if case.call is not None:
        return bench_call(case, repeat=repeat)

    client = Client()
    if case.username:
        client.force_login(User.objects.get(username=case.username))
    send = getattr(client, case.method)
    path = case.path() if callable(case.path) else case.path
    data = case.data() if callable(case.data) else case.data
    kwargs = {"content_type": "application/json"} if case.method != "get" and data is not None else {}
    send(path, data, headers=case.headers, **kwargs)
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
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(len(timings) * 0.95)) - 1)]
    return BenchResult(case.name, statistics.median(timings), p95, len(queries), response.status_code)


def bench_table(results: list[BenchResult]) -> str:
    """Return the results as a Markdown table."""
    lines = ["| case | median ms | p95 ms | SQL queries |", "|---|---:|---:|---:|"]
    lines += [f"| {r.name} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.queries} |" for r in results]
    return "\n".join(lines)



def bench_database() -> str:
    """Return the database server as a results line names it, e.g. "PostgreSQL 18.1"."""
    major, minor = divmod(connection.pg_version, 10000)
    return f"PostgreSQL {major}.{minor}"
