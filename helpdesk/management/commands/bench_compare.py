"""Compare two `make bench` outputs case by case and write the table into docs/benchmarks.md."""

import os
import platform
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ROW = re.compile(r"^\| (?P<name>.+?) \| (?P<median>[\d.]+) \| (?P<p95>[\d.]+) \| (?P<queries>\d+) \|$")
FOOTER = re.compile(r"^PostgreSQL .*tickets.*$")


def bench_rows(text: str) -> dict[str, tuple[float, float, int]]:
    """Return {case: (median ms, p95 ms, queries)} from the table `make bench` prints."""
    rows = {}
    for line in text.splitlines():
        match = ROW.match(line.strip())
        if match:
            rows[match["name"]] = (float(match["median"]), float(match["p95"]), int(match["queries"]))
    return rows


def bench_mean(texts: list[str]) -> tuple[dict[str, tuple[float, float, int]], str]:
    """Return each case's mean median and p95 over several runs, and the runs' data line."""
    runs = [bench_rows(text) for text in texts]
    footer = next((line for text in texts for line in text.splitlines() if FOOTER.match(line.strip())), "")
    means = {}
    for name in runs[0]:
        values = [run[name] for run in runs if name in run]
        means[name] = (sum(v[0] for v in values) / len(values), sum(v[1] for v in values) / len(values), values[0][2])
    return means, footer.strip()


class Command(BaseCommand):
    help = ("Compare `make bench` outputs: --before and --after name saved outputs (several each: "
            "runs alternated on a quiet machine); writes the ratio table to docs/benchmarks.md.")

    def add_arguments(self, parser):
        parser.add_argument("--before", nargs="+", required=True)
        parser.add_argument("--after", nargs="+", required=True)
        parser.add_argument("--title", default="Before and after")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))

    def handle(self, *args, before, after, title, out, **options):
        try:
            old, _footer = bench_mean([Path(p).read_text() for p in before])
            new, footer = bench_mean([Path(p).read_text() for p in after])
        except OSError as error:
            raise CommandError(f"cannot read a bench output: {error}") from None
        if not old or not new:
            raise CommandError("no bench table found in the outputs")
        lines = [f"# Benchmarks: {title}", "",
                 f"Written by `manage.py bench_compare` on {date.today().isoformat()}: {footer}; "
                 f"{os.cpu_count()} cores, {platform.machine()}; {len(before)} run(s) before and {len(after)} after, "
                 "alternated, means of each run's median. Ratio = after / before (below 1 is faster).", "",
                 "| case | before ms | after ms | ratio | p95 before | p95 after | queries before → after |",
                 "|---|---:|---:|---:|---:|---:|---|"]
        for name, (median, p95, queries) in old.items():
            if name not in new:
                continue
            median_new, p95_new, queries_new = new[name]
            lines.append(f"| {name} | {median:.1f} | {median_new:.1f} | {median_new / median:.2f} | {p95:.1f} | "
                         f"{p95_new:.1f} | {queries} → {queries_new} |")
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text("\n".join(lines) + "\n")
        worst = max((new[n][0] / old[n][0], n) for n in old if n in new)
        self.stdout.write(f"Wrote {out}: {len(lines) - 6} cases; slowest ratio {worst[0]:.2f} ({worst[1]}).")
