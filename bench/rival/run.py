"""`make bench-rival`: django-helpdesk's ticket page timed as ours is, on data it generates once per database.

Run by the rival virtualenv's Python as a script, ``.venv-rival/bin/python -P bench/rival/run.py``:
django-helpdesk's package is named ``helpdesk`` like ours, so the repository goes last on the path,
after the installed packages, for ``bench`` alone. The rows go to bench/results/rival.json;
``python -m bench rival`` (our virtualenv) puts them into our results and table.
"""

import argparse
import os
import runpy
import sys
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.append(str(BASE_DIR))


def database_ensure(url: str) -> None:
    """Create the database of ``url`` if it does not exist (connected to its server's ``postgres`` database)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def page_case(name: str, path: str, username: str):
    """Return a case that requests ``path`` as ``username`` (logged in once) and insists on a 200."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.timing import BenchCase

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))

    def request():
        response = client.get(path)
        if response.status_code != 200:
            raise AssertionError(f"{name}: {path} answered {response.status_code}")
        return response

    return BenchCase(name, path, call=request)


def progress(done: int, total: int) -> None:
    print(f"\r  tickets: {done}/{total} ({done * 100 // max(total, 1)}%)", end="", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=int(os.environ.get("RIVAL_TICKETS", "100000")),
                        help="generate tickets up to this many first (RIVAL_TICKETS, default 100,000)")
    parser.add_argument("--repeat", type=int, default=None, help="override each case's repeat count (50)")
    parser.add_argument("--out", type=Path, default=BASE_DIR / "bench" / "results" / "rival.json")
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.rival.settings"
    import django
    from django.conf import settings

    database_ensure(os.environ.get("RIVAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rival_dh"))
    django.setup()
    from django.core.management import call_command
    from django.urls import reverse

    from bench.results import machine_summary, result_row, results_record
    from bench.rival import RIVAL_ROWS, RIVAL_SHORT_THREAD, RIVAL_THREAD
    from bench.rival.data import data_size, staff_ensure, thread_ticket, tickets_generate
    from bench.timing import case_call

    call_command("migrate", verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    staff_ensure()
    print(f"django-helpdesk: tickets up to {args.tickets:,}…")
    tickets_generate(tickets=args.tickets, progress=progress)
    print()
    cases = [page_case(RIVAL_THREAD, reverse("helpdesk:view", args=[thread_ticket(50).pk]), "agent"),
             page_case(RIVAL_SHORT_THREAD, reverse("helpdesk:view", args=[thread_ticket(5).pk]), "agent")]
    today, machine = date.today().isoformat(), machine_summary()
    # The garbage collector set as our web process sets it, for both to be measured alike. Run from its file:
    # django-helpdesk's package is named helpdesk too.
    runpy.run_path(str(BASE_DIR / "helpdesk" / "collector.py"))["collector_settle"]()
    results = [case_call(case, repeat=args.repeat) for case in cases]
    size = data_size()
    rows = [result_row(case=result.name, module="rival", median=result.median_ms, p95=result.p95_ms,
                       queries=result.queries, runs=result.runs, data_size=size, date=today, machine=machine)
            for result in results]
    results_record(args.out, rows, RIVAL_ROWS)
    for row in rows:
        print(f"  {row['case']}: median {row['median']} ms, p95 {row['p95']} ms, {row['queries']} queries ({size})")
    print(f"Wrote {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
