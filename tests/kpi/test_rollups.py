"""The summary read from the daily rollups equals the exact computation over facts and reviews, edits included."""

import datetime as dt
import random
from itertools import zip_longest

import pytest
import time_machine
from django.utils import timezone

from kpi.histograms import (
    GROUPS, LAST, bucket_edges, bucket_of, group_buckets, group_of, histogram_from_counts, histogram_of_groups,
    histogram_percentile, percentile_groups,
)
from kpi.models import FactDay, ReviewDay
from kpi.selectors import (
    Median, _totals_from_facts, kpi_facts_for_viewer, kpi_reviews_for_viewer, kpi_summary,
)
from kpi.services import rollups_reconcile, ticket_facts_sweep_changed
from reviews.models import Review
from reviews.selectors import review_kpi_totals
from reviews.services import review_receive
from tests.factories import CustomerFactory, TeamFactory
from tests.kpi.conftest import at
from tickets import services

pytestmark = pytest.mark.django_db
NOVEMBER = {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}
BOUND = 2 ** (1 / 16) - 1
# The summary's metrics that are exact sums of facts or reviews, and the exact computation's names for them.
EXACT = {"consultation_volume": ("volume", None), "first_response_time_mean": ("frt_sum", "frt_count"),
         "average_response_time": ("response_minutes", "responses"), "first_contact_resolution_rate": ("fcr", "resolved"),
         "first_response_sla_rate": ("frt_sla_met", "frt_sla_all"), "resolution_sla_rate": ("res_sla_met", "res_sla_all"),
         "complaint_timeliness_rate": ("complaint_met", "complaint_all"), "excused_breaches": ("excused", None),
         "conversion_rate": ("converted", "chats"), "step_timeliness_rate": ("step_on_time", "step_all")}
REVIEWS = {"positive_review_rate": ("positive", "reviews"), "negative_review_rate": ("negative", "reviews"),
           "negative_review_in_time_rate": ("low_in_time", "low_timed")}


@pytest.fixture
def generated(no_sla_policies, story, team, settings):
    """Forty tickets of two teams over ten November days, on every channel and kind, and sixty reviews."""
    settings.REVIEWS_LOW_RATING = 2
    rng = random.Random(7)
    other = TeamFactory(code="rollup-other")
    tickets = []
    for n in range(40):
        day, hour = 3 + n % 10, 9 + rng.randrange(12)
        steps = [("create", at(day, hour))]
        if rng.random() < 0.85:
            steps.append(("agent", at(day, hour, rng.randrange(1, 59))))
        if rng.random() < 0.4:
            steps += [("customer", at(day, hour + 1)), ("agent", at(day, hour + 1, rng.randrange(5, 50)))]
        if rng.random() < 0.6:
            steps.append(("resolve", at(day, hour + 2)))
        tickets.append(story(CustomerFactory(), rng.choice([team, other]), steps,
                             channel=rng.choice(["chat", "email", "phone", "web"]),
                             kind=rng.choice(["consultation", "complaint", "after_sales"])))
    for n in range(60):  # received now, reviewed in November
        review_receive(data={"shop": "旗舰店", "platform_review_id": f"G-{n}", "rating": rng.randint(1, 5),
                             "reviewed_at": at(3 + n % 10, 10 + n % 8)}, source="api")
    Review.objects.filter(pk__in=Review.objects.order_by("pk").values("pk")[:30]).update(team=team)
    ticket_facts_sweep_changed()
    return {"tickets": tickets, "team": team, "other": other}


def exact_figures(viewer, **period) -> dict:
    """Return (numerator, denominator) of every exact metric and the median, computed straight from the rows."""
    facts = kpi_facts_for_viewer(viewer=viewer, **period)
    sums = _totals_from_facts(facts, dt.timedelta(days=3))
    reviews = review_kpi_totals(kpi_reviews_for_viewer(viewer=viewer, **{k: v for k, v in period.items()
                                                                           if k != "channel"}))
    figures = {key: (sums[n], sums[d] if d else None) for key, (n, d) in EXACT.items()}
    figures |= {key: (reviews[n], reviews[d]) for key, (n, d) in REVIEWS.items()}
    return figures | {"median": facts.aggregate(m=Median("first_response_minutes"))["m"]}


def assert_summary_is_exact(viewer, **period):
    expected = exact_figures(viewer, **period)
    exact_median = expected.pop("median") or 0
    figures = kpi_summary(viewer=viewer, **period)
    for key, (numerator, denominator) in expected.items():
        got = figures[key]
        assert (pytest.approx(got["numerator"], abs=0.01), got["denominator"]) == (numerator, denominator), key
    median = figures["first_response_time_median"]["value"]
    assert abs(median - exact_median) <= exact_median * BOUND + 0.01


def test_the_rolled_up_summary_equals_the_exact_computation(generated, manager, supervisor):
    assert FactDay.objects.exists() and ReviewDay.objects.exists()
    assert_summary_is_exact(manager, **NOVEMBER)
    assert_summary_is_exact(supervisor, **NOVEMBER)  # one team's rows
    assert_summary_is_exact(manager, team=generated["other"], **NOVEMBER)
    assert_summary_is_exact(manager, channel="chat", **NOVEMBER)
    assert_summary_is_exact(manager, date_from=dt.date(2026, 11, 5), date_to=dt.date(2026, 11, 8))


def test_edits_after_the_fact_reach_the_rollups_with_the_next_sweep(generated, manager, agent):
    tickets = generated["tickets"]
    resolved = [t for t in tickets if t.status == "resolved"]
    services.ticket_transfer(ticket=tickets[0], actor=agent, team=generated["other"]
                             if tickets[0].team_id == generated["team"].pk else generated["team"])
    services.ticket_transition(ticket=resolved[0], actor=agent, status="open")  # reopened: FCR and resolved change
    services.ticket_assign(ticket=tickets[1], actor=agent, assignee=None)
    revised = Review.objects.order_by("pk").first()
    # Revised today: the review leaves its November day for today's, and both days change.
    review_receive(data={"shop": revised.shop, "platform_review_id": revised.platform_review_id,
                         "rating": 1 if revised.rating > 2 else 5,
                         "reviewed_at": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}, source="api")
    before = kpi_summary(viewer=manager, **NOVEMBER)
    ticket_facts_sweep_changed()
    after = kpi_summary(viewer=manager, **NOVEMBER)
    assert before != after
    assert after["positive_review_rate"]["denominator"] == before["positive_review_rate"]["denominator"] - 1
    assert_summary_is_exact(manager, **NOVEMBER)
    assert_summary_is_exact(manager, team=generated["team"], **NOVEMBER)
    assert_summary_is_exact(manager, date_from=dt.date(2026, 11, 3), date_to=dt.date(2026, 11, 3))


def test_todays_reviews_count_before_any_sweep(manager, team):
    today = timezone.localdate()
    assert_summary_is_exact(manager, date_from=today - dt.timedelta(days=2), date_to=today)
    review_receive(data={"shop": "旗舰店", "platform_review_id": "T-1", "rating": 1,
                         "reviewed_at": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}, source="api")
    figures = kpi_summary(viewer=manager, date_from=today - dt.timedelta(days=2), date_to=today)
    assert figures["negative_review_rate"]["numerator"] == 1


def test_the_reconcile_rebuilds_rollups_lost_or_wrong(generated, manager):
    ReviewDay.objects.all().delete()
    FactDay.objects.filter(day=dt.date(2026, 11, 4)).update(volume=999)
    with time_machine.travel(at(30, 12), tick=False):
        rollups_reconcile(days=40)
    assert_summary_is_exact(manager, **NOVEMBER)


@pytest.mark.parametrize("seed", range(5))
def test_histogram_percentiles_are_within_the_stated_bound(seed):
    rng = random.Random(seed)
    values = sorted(rng.lognormvariate(3, 1.5) for _n in range(rng.randrange(1, 400)))
    counts: dict[int, int] = {}
    for value in values:
        counts[bucket_of(value)] = counts.get(bucket_of(value), 0) + 1
    halves = histogram_from_counts({b: n // 2 for b, n in counts.items()}), \
        histogram_from_counts({b: n - n // 2 for b, n in counts.items()})
    histogram = [first + second for first, second in zip_longest(*halves, fillvalue=0)]
    for fraction in (0.5, 0.9):
        rank = fraction * (len(values) - 1)
        low, high = values[int(rank)], values[min(int(rank) + 1, len(values) - 1)]
        exact = low + (rank - int(rank)) * (high - low)
        assert abs(histogram_percentile(histogram, fraction) - exact) <= max(exact * BOUND, 0.1)


@pytest.mark.parametrize("seed", range(20))
def test_a_percentile_read_from_its_groups_is_the_percentile_of_the_whole_histogram(seed):
    rng = random.Random(seed)
    histogram = [rng.choice((0, 0, 1, 3, 40)) for _bucket in range(rng.randrange(1, LAST + 2))]
    if not sum(histogram):
        histogram[-1] = 1
    groups = [0] * GROUPS
    for bucket, n in enumerate(histogram):
        groups[group_of(bucket)] += n
    for fraction in (0.0, 0.25, 0.5, 0.9, 0.99, 1.0):
        read = percentile_groups(groups, fraction)
        assert 1 <= len(read) <= 2
        buckets = {group: [histogram[b] if b < len(histogram) else 0 for b in group_buckets(group)] for group in read}
        assert histogram_percentile(histogram_of_groups(groups, buckets), fraction) == \
            histogram_percentile(histogram, fraction)


def test_bucket_edges_hold_their_values():
    for value in (0.0, 0.05, 0.1, 1, 7.5, 60, 1440, 10 ** 6):
        low, high = bucket_edges(bucket_of(value))
        assert low <= value and (value < high or bucket_of(value) == bucket_of(10 ** 9))
    assert histogram_percentile([], 0.5) is None


@pytest.mark.django_db
def test_postgresql_adds_histograms_of_any_length_bucket_by_bucket():
    from kpi.aggregates import HistogramSum, histogram_from_sums

    for day, histogram in ((1, [1, 0, 2]), (2, [0, 5]), (3, []), (4, [0] * LAST + [7])):
        FactDay.objects.create(day=dt.date(2026, 11, day), team_id=1, channel="web", frt_histogram=histogram)
    days = FactDay.objects.filter(team_id=1)
    summed = histogram_from_sums(days.aggregate(h=HistogramSum("frt_histogram"))["h"])
    assert summed[:3] == [1, 5, 2] and summed[LAST] == 7 and len(summed) == LAST + 1
    assert histogram_from_sums(days.filter(day__gte=dt.date(2026, 11, 2), day__lte=dt.date(2026, 11, 3))
                               .aggregate(h=HistogramSum("frt_histogram"))["h"]) == [0, 5]
    assert histogram_from_sums(days.none().aggregate(h=HistogramSum("frt_histogram"))["h"]) == []
    assert histogram_from_sums(days.aggregate(h=HistogramSum("frt_histogram", first=1, buckets=2))["h"]) == [5, 2]


@pytest.mark.django_db
def test_postgresql_keeps_each_rollups_counts_by_group():
    histogram = [2] + [1] * 16 + [0] * 15 + [4] + [0] * (LAST - 33) + [9]
    day = FactDay.objects.create(day=dt.date(2026, 11, 1), team_id=1, channel="web", frt_histogram=histogram)
    empty = FactDay.objects.create(day=dt.date(2026, 11, 2), team_id=1, channel="web", frt_histogram=[])
    day.refresh_from_db()
    empty.refresh_from_db()
    assert day.frt_groups[:3] == [2, 16, 4] and day.frt_groups[-1] == 9 and sum(day.frt_groups) == sum(histogram)
    assert len(day.frt_groups) == GROUPS and not any(empty.frt_groups)
