"""The results as Markdown: the table of docs/benchmarks.md (between its markers) and before/after comparisons."""

from pathlib import Path

from bench.results import BASE_DIR
from bench.floors import FLOOR_KINDS
from bench.rival import OURS

DOCS_PATH = BASE_DIR / "docs" / "benchmarks.md"
START = "<!-- results: written by `python -m bench` from bench/results/latest.json; not edited by hand -->"
END = "<!-- end of results -->"


def figure(value: float | None, unit: str) -> str:
    """Return a figure with its unit ("25.1 ms", "0 messages"), or a dash where a case has none."""
    if value is None:
        return "—"
    return f"{value:.1f} {unit}" if unit in ("ms", "KB") else f"{value:g} {unit}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def results_table(rows: list[dict]) -> str:
    """Return the results as one Markdown table."""
    lines = ["| case | median | p95 | × floor | SQL queries | data size | date | machine |",
             "|---|---:|---:|---:|---:|---|---|---|"]
    lines += [f"| {_cell(row['case'])} | {figure(row['median'], row['unit'])} | {figure(row['p95'], row['unit'])} | "
              f"{floor_ratio(row)} | {'—' if row['queries'] is None else row['queries']} | {_cell(row['data_size'])} | "
              f"{row['date']} | {_cell(row['machine'])} |" for row in rows]
    return "\n".join(lines)


def floor_ratio(row: dict) -> str:
    """Return a row's ratio to its floor case with the floor's kind ("2.41 × template"), or a dash.

    django-helpdesk's rows are set against our case instead: "3.52 × ours".
    """
    if row.get("ratio") is None:
        return "—"
    kind = "ours" if OURS.get(row["case"]) == row["floor"] else FLOOR_KINDS.get(row["floor"], row["floor"])
    return f"{row['ratio']:.2f} × {kind}"


def docs_table_write(path: Path, rows: list[dict]) -> None:
    """Replace the table between the page's markers with the results; the page's prose stays as it is."""
    text = path.read_text(encoding="utf-8")
    head, start, rest = text.partition(START)
    _old, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"{path} has no results markers ({START} … {END})")
    path.write_text(f"{head}{START}\n\n{results_table(rows)}\n\n{END}{tail}", encoding="utf-8")


def _mean(values: list[float | None]) -> float | None:
    return None if not values or None in values else sum(values) / len(values)


def _means(runs: list[list[dict]]) -> dict[str, dict]:
    """Return each case's mean median and p95 over the runs that measured it, with its unit and queries."""
    names = list(dict.fromkeys(row["case"] for run in runs for row in run))
    means = {}
    for name in names:
        rows = [row for run in runs for row in run if row["case"] == name]
        means[name] = {"median": _mean([row["median"] for row in rows]), "p95": _mean([row["p95"] for row in rows]),
                       "unit": rows[0]["unit"], "queries": rows[-1]["queries"], "machine": rows[-1]["machine"],
                       "date": rows[-1]["date"]}
    return means


def _ratio(before: float | None, after: float | None) -> str:
    return f"{after / before:.2f}" if before and after is not None else "—"


def _runs(runs: list[list[dict]], *, short: bool = False) -> str:
    """Return how many runs a side has, "3 run(s)", or per command when it has both "3 run(s) of `make bench` and 2 of …"."""
    chat = sum(1 for run in runs if run and all(row["module"] == "chat" for row in run))
    if chat in (0, len(runs)):
        return f"{len(runs)}" if short else f"{len(runs)} run(s)"
    if short:
        return f"{len(runs) - chat} and {chat}"
    return f"{len(runs) - chat} run(s) of `make bench` and {chat} of `make bench-chat`"


def compare_table(before: list[list[dict]], after: list[list[dict]]) -> str:
    """Return the cases both sides measured, each side the mean of its runs, with the ratio after / before."""
    old, new = _means(before), _means(after)
    shared = [name for name in new if name in old]
    if not shared:
        raise ValueError("the runs before and after have no case in common")
    machines = sorted({new[name]["machine"] for name in shared})
    lines = [f"{_runs(before)} before and {_runs(after, short=True)} after, means of each run's figures; "
             f"ratio = after / before (below 1 is faster). After: {max(new[n]['date'] for n in shared)}, "
             f"{'; '.join(machines)}.", "",
             "| case | before | after | ratio | p95 before | p95 after | queries before → after |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name in shared:
        a, b = old[name], new[name]
        queries = "" if a["queries"] is None and b["queries"] is None else f"{a['queries']} → {b['queries']}"
        lines.append(f"| {_cell(name)} | {figure(a['median'], a['unit'])} | {figure(b['median'], b['unit'])} | "
                     f"{_ratio(a['median'], b['median'])} | {figure(a['p95'], a['unit'])} | "
                     f"{figure(b['p95'], b['unit'])} | {queries} |")
    return "\n".join(lines)
