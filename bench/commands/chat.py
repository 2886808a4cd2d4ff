"""`make bench-chat`: live chat under load; its figures go into the results file and the docs table."""

import json
from datetime import date

from bench.commands import results_arguments, results_publish
from bench.load.chat import chat_rows, load_run
from bench.results import machine_summary

HELP = "Load live chat through one uvicorn process: delivery latency, losses, CPU per message, memory per idle stream."


def add_arguments(parser):
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between one customer's messages")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of sending")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to wait for the last deliveries")
    parser.add_argument("--idle", type=int, default=1000, help="extra idle customer streams for the memory figure")
    results_arguments(parser)


def main(args) -> int:
    result = load_run(args)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    rows = chat_rows(result, date=date.today().isoformat(), machine=machine_summary())
    results_publish(args, rows)
    return 0
