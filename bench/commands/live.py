"""`make bench-live`: the live workspace under load; its figures go into the results file and the docs table."""

import json
from datetime import date

from bench.commands import results_arguments, results_publish
from bench.load.live import live_rows, load_run
from bench.results import machine_summary

HELP = "Load the workspace streams through one uvicorn process: ticket event delivery to every concerned agent, idle CPU."


def add_arguments(parser):
    parser.add_argument("--agents", type=int, default=200, help="agents, each with one workspace stream open")
    parser.add_argument("--team-size", type=int, default=10, help="agents per team (an event concerns one team)")
    parser.add_argument("--rate", type=float, default=1000.0, help="ticket events a minute")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of events")
    parser.add_argument("--idle-seconds", type=float, default=30.0, help="seconds of every stream idle, for the CPU figure")
    parser.add_argument("--grace", type=float, default=3.0, help="seconds to wait for the last deliveries")
    results_arguments(parser)


def main(args) -> int:
    result = load_run(args)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    rows = live_rows(result, date=date.today().isoformat(), machine=machine_summary())
    results_publish(args, rows)
    return 0
