"""The timed cases, one module per domain, each with ``BENCH_CASES`` and ``data_size()``.

``data_size()`` names the volume its cases ran against (counted after they ran, so data a module
generates on first use is included); it fills the data size column of the results table.
"""

import importlib

from bench.timing import BenchCase

MODULES = ["shell", "tickets", "sla", "channels", "customers", "followups", "orders", "knowledge", "kpi"]


def case_module(name: str):
    """Return the case module of a domain, e.g. ``tickets``."""
    if name not in MODULES:
        raise ValueError(f"no bench cases for {name!r}; choose from {', '.join(MODULES)}")
    return importlib.import_module(f"bench.cases.{name}")


def bench_cases(modules: list[str] | None = None) -> list[BenchCase]:
    """Return the cases of the given domains (all by default), in ``MODULES`` order."""
    cases = []
    for name in MODULES:
        if modules and name not in modules:
            continue
        for case in case_module(name).BENCH_CASES:
            case.module = name
            cases.append(case)
    return cases


def case_names() -> list[str]:
    """Return the name of every row the results file may hold: the timed cases, then the live and load figures, then django-helpdesk's."""
    from bench.load.agents import LOAD_ROWS
    from bench.load.chat import CHAT_ROWS
    from bench.load.live import LIVE_ROWS
    from bench.rival import RIVAL_ROWS

    return ([case.name for case in bench_cases()] + list(CHAT_ROWS) + list(LIVE_ROWS) + list(LOAD_ROWS)
            + list(RIVAL_ROWS))
