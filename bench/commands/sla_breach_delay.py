"""Measure how late breaches are recorded: real Celery beat and worker, timers coming due at random instants."""

import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sla.models import TicketSLATimer


HELP = ("Make N first-response timers come due at random instants over the next WINDOW seconds, run Celery beat "
        "and a worker, and report the delay from each due_at to its recorded breach (p50, p95, p99, max).")


def add_arguments(parser):
    parser.add_argument("--timers", type=int, default=300)
    parser.add_argument("--window", type=int, default=120, help="seconds over which the deadlines are spread")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--seed", type=int, default=4)


def main(args) -> int:
    timers, window, concurrency, seed = args.timers, args.window, args.concurrency, args.seed
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        # Nothing else may come due while we measure: push every pending check past the window.
        TicketSLATimer.objects.filter(next_check_at__lt=now + timedelta(seconds=window + 600)).update(
            next_check_at=now + timedelta(days=1), due_at=now + timedelta(days=1), warning_at=now + timedelta(hours=20))
        ids = list(TicketSLATimer.objects.filter(target=TicketSLATimer.Target.FIRST_RESPONSE, met_at__isnull=True,
                                                 paused_at__isnull=True).values_list("id", flat=True)[:timers])
        if len(ids) < timers:
            sys.exit(f"only {len(ids)} running first-response timers; run `make bench` on this database first")
        for timer_id in ids:
            due = now + timedelta(seconds=rng.uniform(5, window))
            # Warned already, so the one pending check is the breach at due_at.
            TicketSLATimer.objects.filter(pk=timer_id).update(
                due_at=due, warning_at=due - timedelta(minutes=1), warned_at=now, next_check_at=due,
                breached_at=None, first_breached_at=None)
    print(f"{timers} deadlines between now and +{window}s; starting beat and worker…")
    run_dir = Path(tempfile.mkdtemp(prefix="sla-delay-"))
    celery = [sys.executable, "-m", "celery", "-A", "helpdesk"]
    processes = [
        subprocess.Popen([*celery, "worker", "-l", "warning", "--concurrency", str(concurrency), "-n", "sladelay@%h"]),
        subprocess.Popen([*celery, "beat", "-l", "warning", "--schedule", str(run_dir / "beat-schedule")]),
    ]
    try:
        deadline = time.monotonic() + window + 120
        while time.monotonic() < deadline:
            left = TicketSLATimer.objects.filter(pk__in=ids, breached_at__isnull=True).count()
            print(f"\r  waiting for {left} breaches   ", end="", flush=True)
            if not left:
                break
            time.sleep(2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    delays = sorted(
        (breached - due).total_seconds()
        for due, breached in TicketSLATimer.objects.filter(pk__in=ids, breached_at__isnull=False)
        .annotate(due=F("due_at")).values_list("due", "breached_at")
    )
    if not delays:
        sys.exit("no breach was recorded")

    def pct(p):
        return delays[min(len(delays) - 1, int(round(len(delays) * p)) - 1)]

    print(
        f"\n{len(delays)}/{timers} breaches recorded; delay from due_at to breached_at (s): "
        f"p50 {statistics.median(delays):.1f}, p95 {pct(0.95):.1f}, p99 {pct(0.99):.1f}, max {delays[-1]:.1f}"
    )
    return 0
