"""Benchmark cases of the application shell and the account API."""

from helpdesk.benchmarking import BenchCase

BENCH_CASES = [
    BenchCase("login page (anonymous)", "/login/", username=None),
    BenchCase("shell: inbox page (agent)", "/inbox/"),
    BenchCase("GET /api/v1/me/", "/api/v1/me/"),
    BenchCase("GET /healthz", "/healthz", username=None, expect=(200, 503)),
]
