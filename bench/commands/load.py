"""`make bench-load`: agents at work and live chats at once; the report saved, its figures in the docs table."""

import json
from datetime import date
from pathlib import Path

from bench.commands import results_publish
from bench.load.agents import agents_prepare, agents_run, load_rows, report_write
from bench.load.chat import load_run
from bench.report import DOCS_PATH
from bench.results import BASE_DIR, RESULTS_PATH, machine_summary

HELP = "Agents listing, opening, searching and replying while live chats run: requests/s, p95 under load, errors."
REPORT_PATH = BASE_DIR / "bench" / "results" / "load.json"


def add_arguments(parser):
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--think", type=float, default=2.0, help="an agent's mean seconds between two rounds")
    parser.add_argument("--reply-every", type=int, default=3, help="an agent replies every this many rounds")
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between one customer's messages")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to wait for the last chat deliveries")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the web server")
    parser.add_argument("--report", type=Path, default=REPORT_PATH, help="where the whole report is saved (JSON)")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH,
                        help="results file to merge this run into (default bench/results/latest.json)")
    parser.add_argument("--docs", type=Path, default=DOCS_PATH, help="page whose results table is rewritten")
    parser.add_argument("--no-docs", action="store_true", help="leave the page alone")


def main(args) -> int:
    args.idle = 0
    agents = agents_prepare(args.agents)

    def beside(port: int):
        return agents_run(agents, port=port, duration=args.duration, think=args.think, reply_every=args.reply_every)

    figures = load_run(args, beside=beside)
    result = {"agents": figures["other"], "chats": figures["chats"]}
    report_write(args.report, result)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    today, machine = date.today().isoformat(), machine_summary()
    rows = load_rows(result, date=today, machine=machine)
    print(f"Wrote {args.report}.")
    results_publish(args, rows)
    return 0
