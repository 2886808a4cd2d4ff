"""`make bench`: time pages, endpoints and functions in-process on generated data; record and tabulate the results."""

from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from bench.cases import MODULES, bench_cases, case_module
from bench.commands import results_publish
from bench.generators.tickets import generate
from bench.report import DOCS_PATH
from bench.results import RESULTS_PATH, machine_summary, result_row
from bench.timing import case_run
from helpdesk.collector import collector_settle
from helpdesk.databases import database_ensure
from helpdesk.demo import demo_users_load
from tickets.models import Ticket

HELP = "Time the cases on generated data; write the results file and the table of docs/benchmarks.md."


def add_arguments(parser):
    parser.add_argument("--tickets", type=int, default=100_000, help="generate tickets up to this many first")
    parser.add_argument("--messages-per-ticket", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=None, help="override each case's repeat count")
    parser.add_argument("--only", default="", help="run only cases whose name contains this text")
    parser.add_argument("--module", nargs="+", choices=MODULES, default=[], metavar="DOMAIN",
                        help=f"run only these domains' cases: {', '.join(MODULES)}")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH,
                        help="results file to merge this run into (default bench/results/latest.json)")
    parser.add_argument("--docs", type=Path, default=DOCS_PATH, help="page whose results table is rewritten")
    parser.add_argument("--no-docs", action="store_true", help="leave the page alone (runs saved for a comparison)")


def progress(what: str, done: int, total: int) -> None:
    print(f"\r  {what}: {done}/{total} ({done * 100 // max(total, 1)}%)", end="", flush=True)


def data_prepare(*, tickets: int, messages_per_ticket: int) -> None:
    """Create and migrate the database, load the demo users, and generate tickets up to ``tickets``."""
    database_ensure()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    demo_users_load()
    have = Ticket.objects.count()
    if have < tickets:
        print(f"Generating {tickets - have} tickets ({messages_per_ticket} messages each)…")
        generate(customers=max(1000, (tickets - have) // 10), tickets=tickets - have,
                 messages_per_ticket=messages_per_ticket, progress=progress)
        print()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def cases_measure(*, modules: list[str], only: str = "", repeat: int | None = None) -> list[dict]:
    """Time the chosen cases; return one results row each, with its domain's data size after its cases ran."""
    every = bench_cases(modules)
    chosen = {case.name for case in every if only in case.name}
    chosen |= {case.floor for case in every if case.name in chosen and case.floor}  # a case's floor runs with it
    cases = [case for case in every if case.name in chosen]
    today, machine = date.today().isoformat(), machine_summary()
    rows = []
    medians: dict[str, float] = {}
    for module in dict.fromkeys(case.module for case in cases):
        measured = []
        for case in (case for case in cases if case.module == module):
            print(f"  {case.name}…", end="\r", flush=True)
            result = case_run(case, repeat=repeat)
            medians[case.name] = result.median_ms
            measured.append((case, result))
        size = case_module(module).data_size()
        rows += [result_row(case=result.name, module=module, median=result.median_ms, p95=result.p95_ms,
                            queries=result.queries, runs=result.runs, data_size=size, date=today, machine=machine,
                            floor=case.floor or None,
                            ratio=result.median_ms / medians[case.floor] if medians.get(case.floor) else None)
                 for case, result in measured]
    return rows


def main(args) -> int:
    data_prepare(tickets=args.tickets, messages_per_ticket=args.messages_per_ticket)
    collector_settle()  # as the web process after startup (helpdesk/wsgi.py)
    rows = cases_measure(modules=args.module, only=args.only, repeat=args.repeat)
    results_publish(args, rows)
    return 0
