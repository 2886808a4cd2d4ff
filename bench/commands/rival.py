"""`make bench-rival`, its second half: django-helpdesk's rows (bench/results/rival.json) into our results and table."""

import sys
from pathlib import Path

from bench.commands import results_arguments, results_publish
from bench.results import BASE_DIR, results_read
from bench.rival import OURS, RIVAL_ROWS, rival_ratios_refresh

HELP = ("Put django-helpdesk's rows, timed by `make bench-rival` in its own virtualenv, into the results file "
        "and the table, each set against our case (its median ÷ ours).")


def add_arguments(parser):
    parser.add_argument("--rival", type=Path, default=BASE_DIR / "bench" / "results" / "rival.json",
                        help="rows written by bench/rival/run.py (default bench/results/rival.json)")
    results_arguments(parser)


def comparison_lines(rows: list[dict]) -> list[str]:
    """Return one line per rival row set against ours: both medians, data sizes and the ratio."""
    by_name = {row["case"]: row for row in rows}
    lines = []
    for row in (row for row in rival_ratios_refresh(rows) if row["case"] in OURS):
        ours = by_name.get(OURS[row["case"]])
        if row["ratio"] is None or ours is None:
            lines.append(f"{row['case']}: no row of ours ({OURS[row['case']]!r}) to set it against")
            continue
        lines.append(f"{row['case']}: {row['median']:.1f} ms ({row['data_size']}) ÷ ours {ours['median']:.1f} ms "
                     f"({ours['data_size']}) = {row['ratio']:.2f}")
    return lines


def main(args) -> int:
    try:
        rows = [row for row in results_read(args.rival) if row["case"] in RIVAL_ROWS]
    except (OSError, ValueError) as error:
        sys.exit(f"cannot read {args.rival}: {error}")
    if not rows:
        sys.exit(f"{args.rival} has no django-helpdesk rows: run `make bench-rival`")
    results_publish(args, rows)
    for line in comparison_lines(results_read(args.results)):
        print(line)
    return 0
