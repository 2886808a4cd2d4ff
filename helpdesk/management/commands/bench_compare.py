"""Compare two `make bench` outputs case by case and write the table into docs/benchmarks.md."""

import json
import os
import platform
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ROW = re.compile(r"^\| (?P<name>.+?) \| (?P<median>[\d.]+) \| (?P<p95>[\d.]+) \| (?P<queries>\d+) \|$")
FOOTER = re.compile(r"^PostgreSQL .*tickets.*$")
CHAT_HEADING = "## Live chat"
# (JSON key of `make bench-chat`, label); the counts of lost, duplicated and refused messages are summed.
CHAT_FIGURES = [("latency_ms_median", "delivery median ms"), ("latency_ms_p95", "delivery p95 ms"),
                ("server_cpu_ms_per_message", "server CPU ms per message"), ("kb_per_idle_stream", "KB per idle stream")]
CHAT_FAULTS = ("lost_agent", "duplicated_agent", "lost_customer", "duplicated_customer", "errors")


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


def chat_result(text: str) -> dict:
    """Return the JSON object `make bench-chat` prints (the lines before it are make's echo)."""
    return json.loads(text[text.index("{"):])


def chat_section(before: list[dict], after: list[dict]) -> list[str]:
    """Return the live chat section: each figure's mean over the runs before and after, and the ratio."""
    chats = before[0]
    lines = [f"{CHAT_HEADING} (`make bench-chat`: {chats['chats']} chats, a message every {chats['interval_s']} s each, "
             f"{chats['duration_s']} s, then {chats['idle_streams']} idle streams)", "",
             f"{len(before)} run(s) before and {len(after)} after, alternated; means of the runs.", "",
             "| figure | before | after | ratio |", "|---|---:|---:|---:|"]
    for key, label in CHAT_FIGURES:
        old = sum(run[key] for run in before) / len(before)
        new = sum(run[key] for run in after) / len(after)
        lines.append(f"| {label} | {old:.1f} | {new:.1f} | {new / old:.2f} |")
    faults = [sum(run[key] for run in runs for key in CHAT_FAULTS) for runs in (before, after)]
    lines.append(f"| messages lost, duplicated or refused (all runs) | {faults[0]} | {faults[1]} | |")
    return lines


class Command(BaseCommand):
    help = ("Compare `make bench` outputs: --before and --after name saved outputs (several each: "
            "runs alternated on a quiet machine); writes the ratio table to docs/benchmarks.md.")

    def add_arguments(self, parser):
        parser.add_argument("--before", nargs="+", default=[])
        parser.add_argument("--after", nargs="+", default=[])
        parser.add_argument("--chat-before", nargs="+", default=[], help="saved `make bench-chat` outputs")
        parser.add_argument("--chat-after", nargs="+", default=[])
        parser.add_argument("--title", default="Before and after")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))

    def handle(self, *args, before, after, chat_before, chat_after, title, out, **options):
        if bool(before) != bool(after) or bool(chat_before) != bool(chat_after) or not (before or chat_before):
            raise CommandError("give --before and --after, or --chat-before and --chat-after, or all four")
        path = Path(out)
        existing = path.read_text() if path.exists() else ""
        head, _chat, old_chat = existing.partition(CHAT_HEADING)
        lines = self._cases(before, after, title) if before else head.rstrip("\n").splitlines()
        if chat_before:
            try:
                chat = chat_section([chat_result(Path(p).read_text()) for p in chat_before],
                                    [chat_result(Path(p).read_text()) for p in chat_after])
            except (OSError, ValueError, KeyError) as error:
                raise CommandError(f"cannot read a bench-chat output: {error}") from None
        else:
            chat = (CHAT_HEADING + old_chat).rstrip("\n").splitlines() if old_chat else []
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines + ([""] + chat if chat else [])) + "\n")
        self.stdout.write(f"Wrote {out}.")

    def _cases(self, before, after, title) -> list[str]:
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
        worst = max((new[n][0] / old[n][0], n) for n in old if n in new)
        self.stdout.write(f"{len(lines) - 6} cases; slowest ratio {worst[0]:.2f} ({worst[1]}).")
        return lines
