"""Benchmark cases of the application shell and the account API."""

from bench.timing import BenchCase

BENCH_CASES = [
    BenchCase("login page (anonymous)", "/login/", username=None),
    BenchCase("shell: inbox page (agent)", "/inbox/"),
    BenchCase("GET /api/v1/me/", "/api/v1/me/"),
    BenchCase("GET /healthz", "/healthz", username=None, expect=(200, 503)),
]


def data_size() -> str:
    from bench.cases.tickets import data_size as tickets_size

    return tickets_size()
