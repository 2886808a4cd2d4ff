"""Benchmark cases of the KPI summary: facts of every generated ticket, spread over the last 90 days, and shop reviews."""

import datetime as dt

from django.utils import timezone

from bench.timing import BenchCase

_ready: dict = {}


def _data() -> dict:
    """Generate the facts once per database."""
    if not _ready:
        from kpi.models import TicketFact
        from tickets.models import Ticket

        if TicketFact.objects.count() < Ticket.objects.count():
            from bench.generators.kpi import facts_generate

            print("\n  Generating KPI facts…")
            facts_generate()
        _ready["day_ids"] = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:11_111])
    return _ready


def _summary_path() -> str:
    _data()
    today = timezone.localdate()
    return f"/api/v1/kpi/summary/?date_from={today - dt.timedelta(days=29)}&date_to={today}"


def _reviews_ensure() -> None:
    """Generate the shop reviews once: ten per generated ticket, at most a million (1M at 100,000 tickets)."""
    if "reviews" not in _ready:
        from bench.generators.kpi import REVIEWS, reviews_generate
        from tickets.models import Ticket

        count = min(REVIEWS, 10 * Ticket.objects.count())
        print(f"\n  Generating shop reviews up to {count:,}…")
        reviews_generate(count)
        _ready["reviews"] = True


def _summary_with_reviews_path() -> str:
    _reviews_ensure()
    return _summary_path()


def _report_month():
    from kpi.models import Report
    from kpi.services import report_build

    today = timezone.localdate()
    report = Report.objects.create(kind=Report.Kind.EXPORT, date_from=today - dt.timedelta(days=29), date_to=today)
    report_build(report_id=report.pk)


def _rollup_day():
    from kpi.facts import BATCH, ticket_facts_refresh
    from kpi.rollups import fact_rollups_refresh

    ids = _data()["day_ids"]
    for start in range(0, len(ids), BATCH):
        ticket_facts_refresh(ticket_ids=ids[start:start + BATCH])
    fact_rollups_refresh(days={timezone.localdate()})


def _quarter_rollup():
    from kpi.scorecards import period_bounds
    from kpi.services import period_scorecards_compute

    first, _end = period_bounds("quarter", timezone.localdate() - dt.timedelta(days=92))
    if "quarter" not in _ready:
        from bench.generators.kpi import scorecards_generate

        months = [first]
        for _n in range(2):
            months.append(period_bounds("month", months[-1])[1])
        scorecards_generate(months=months, agents=200)  # the monthly cards the quarter rolls up, inserted once
        _ready["quarter"] = first
    period_scorecards_compute(kind="quarter", day=first)


BENCH_CASES = [
    BenchCase("kpi: API summary, 30 days, all teams (1M facts over 90 days)", _summary_path, username="manager", repeat=20),
    BenchCase("kpi: API summary, 30 days, one supervisor's teams", _summary_path, username="supervisor", repeat=20),
    BenchCase("kpi: dashboard page, 30 days, all teams", lambda: _summary_path().replace("/api/v1/kpi/summary/", "/kpi/"),
              username="manager", repeat=10),
    # The section the dashboard asks for once it is shown: median and p90 of each complaint step, per team and in all.
    BenchCase("kpi: dashboard's complaint step times, 30 days, all teams",
              lambda: _summary_path().replace("/api/v1/kpi/summary/", "/kpi/") + "&section=steps",
              username="manager", repeat=5),
    BenchCase("kpi: 30-day report XLSX + CSV, 200 agents (in the worker)", "", call=_report_month, repeat=2),
    BenchCase("kpi: API summary with review metrics, 30 days, all teams (up to 1M reviews over 90 days)",
              _summary_with_reviews_path, username="manager", repeat=20),
    BenchCase("kpi: quarterly scorecard rollup, 200 agents (in the worker)", "", call=_quarter_rollup, repeat=3),
    BenchCase("kpi: one day re-measured and rolled up (11,111 tickets, 5 messages each)", "", call=_rollup_day, repeat=2),
]


def data_size() -> str:
    from kpi.models import TicketFact
    from reviews.models import Review

    return f"{TicketFact.objects.count():,} ticket facts, {Review.objects.count():,} reviews"
