"""The results file: one row per case (figures, data size, date, machine), JSON, merged run by run."""

import json
import os
import platform
from pathlib import Path

import django
from django.db import connection

from bench.rival import rival_ratios_refresh

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_PATH = BASE_DIR / "bench" / "results" / "latest.json"


def database_version() -> str:
    """Return the database server as a results row names it, e.g. "PostgreSQL 18.1"."""
    major, minor = divmod(connection.pg_version, 10000)
    return f"PostgreSQL {major}.{minor}"


def machine_summary() -> str:
    """Return the machine and software a run measured on, e.g. "2 cores x86_64, PostgreSQL 18.1, Django 6.1.3, Python 3.12.1"."""
    return (f"{os.cpu_count()} cores {platform.machine()}, {database_version()}, "
            f"Django {django.get_version()}, Python {platform.python_version()}")


def result_row(*, case: str, module: str, median: float | None, p95: float | None = None, unit: str = "ms",
               queries: int | None = None, runs: int | None = None, data_size: str, date: str, machine: str,
               floor: str | None = None, ratio: float | None = None) -> dict:
    """Return one row of the results file (``ratio``: its median ÷ the median of its ``floor`` case in the same run)."""
    return {"case": case, "module": module, "median": None if median is None else round(median, 2),
            "p95": None if p95 is None else round(p95, 2), "unit": unit, "queries": queries, "runs": runs,
            "data_size": data_size, "date": date, "machine": machine, "floor": floor,
            "ratio": None if ratio is None else round(ratio, 2)}


def results_read(path: Path) -> list[dict]:
    """Return the rows of a results file; none if it does not exist."""
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) and "case" in row for row in rows):
        raise ValueError(f"{path} is not a results file")
    return rows


def results_merge(previous: list[dict], new: list[dict], names: list[str]) -> list[dict]:
    """Return the rows of ``names`` in that order: this run's where it measured the case, else the previous run's.

    A case that no longer exists (renamed or removed) drops out.
    """
    by_name = {row["case"]: row for row in previous}
    by_name.update({row["case"]: row for row in new})
    return [by_name[name] for name in names if name in by_name]


def results_record(path: Path, rows: list[dict], names: list[str]) -> list[dict]:
    """Merge this run's rows into the results file at ``path``; return all of its rows.

    django-helpdesk's rows are set against our case anew (their median ÷ ours), whichever side this run measured.
    """
    merged = rival_ratios_refresh(results_merge(results_read(path), rows, names))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cases": merged}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return merged
