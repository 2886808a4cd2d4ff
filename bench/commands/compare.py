"""Compare saved results files case by case: each side the mean of its runs, with the ratio after / before."""

import sys
from pathlib import Path

from bench.report import compare_table
from bench.results import results_read

HELP = ("Compare results files of runs before and after a change (several each, alternated on a quiet machine); "
        "print the Markdown table or write it to --out.")


def add_arguments(parser):
    parser.add_argument("--before", nargs="+", type=Path, default=[], help="results files of `make bench` runs")
    parser.add_argument("--after", nargs="+", type=Path, default=[])
    parser.add_argument("--chat-before", nargs="+", type=Path, default=[], help="results files of `make bench-chat` runs")
    parser.add_argument("--chat-after", nargs="+", type=Path, default=[])
    parser.add_argument("--out", type=Path, default=None, help="write the table to this file instead of printing it")
    parser.add_argument("--title", default="", help="a heading above the table (what was compared)")


def main(args) -> int:
    if bool(args.before) != bool(args.after) or bool(args.chat_before) != bool(args.chat_after) or not (
            args.before or args.chat_before):
        sys.exit("give --before and --after, or --chat-before and --chat-after, or all four")
    try:
        before = [results_read(path) for path in args.before + args.chat_before]
        after = [results_read(path) for path in args.after + args.chat_after]
        if not all(before) or not all(after):
            sys.exit("a results file is missing or empty")
        table = compare_table(before, after)
        if args.title:
            table = f"# {args.title}\n\n{table}"
    except (OSError, ValueError, KeyError) as error:
        sys.exit(f"cannot compare: {error}")
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
        print(f"Wrote {args.out}.")
    else:
        print(table)
    return 0
