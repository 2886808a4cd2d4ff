"""`make bench-chat`: live chat under load; its figures go into the results file and the docs table."""

import json
from datetime import date
from pathlib import Path

from bench.commands import results_publish
from bench.load.chat import chat_rows, load_run
from bench.report import DOCS_PATH
from bench.results import RESULTS_PATH, machine_summary

HELP = "Load live chat through one uvicorn process: delivery latency, losses, CPU per message, memory per idle stream."


def add_arguments(parser):
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between one customer's messages")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of sending")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to wait for the last deliveries")
    parser.add_argument("--idle", type=int, default=1000, help="extra idle customer streams for the memory figure")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH,
                        help="results file to merge this run into (default bench/results/latest.json)")
    parser.add_argument("--docs", type=Path, default=DOCS_PATH, help="page whose results table is rewritten")
    parser.add_argument("--no-docs", action="store_true", help="leave the page alone (runs saved for a comparison)")


def main(args) -> int:
    result = load_run(args)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    rows = chat_rows(result, date=date.today().isoformat(), machine=machine_summary())
    results_publish(args, rows)
    return 0
