"""Fixed log-spaced histograms of durations in minutes, and the percentiles read from them (see docs/kpi.md).

Bucket 0 holds [0, 0.1) minutes; bucket k ≥ 1 holds [0.1·2^((k-1)/16), 0.1·2^(k/16)), sixteen buckets per
doubling; the last bucket also holds everything above its lower edge (about 73 days). A percentile estimated
from the buckets is within 2^(1/16) − 1 ≈ 4.4 % of the exact ``percentile_cont`` (within 0.1 minutes below
0.1 minutes), and never below the last bucket's edge for values beyond it.
"""

import math

FLOOR = 0.1
PER_DOUBLING = 16
LAST = 1 + 20 * PER_DOUBLING
# The bucket of a column in SQL, the same rule as ``bucket_of``.
BUCKET_SQL = (f"CASE WHEN {{column}} < {FLOOR} THEN 0 "
              f"ELSE LEAST({LAST}, 1 + floor(ln({{column}} / {FLOOR}) * {PER_DOUBLING / math.log(2)!r}))::int END")


def bucket_of(minutes: float) -> int:
    """Return the bucket of a duration in minutes."""
    if minutes < FLOOR:
        return 0
    return min(LAST, 1 + math.floor(math.log(minutes / FLOOR) * PER_DOUBLING / math.log(2)))


def bucket_edges(bucket: int) -> tuple[float, float]:
    """Return the lower and upper edge of a bucket, in minutes."""
    if bucket == 0:
        return 0.0, FLOOR
    return FLOOR * 2 ** ((bucket - 1) / PER_DOUBLING), FLOOR * 2 ** (bucket / PER_DOUBLING)


def histogram_from_counts(counts: dict[int, int]) -> list[int]:
    """Return the histogram (counts by bucket, no trailing empty buckets) of a {bucket: count} mapping."""
    histogram = [0] * (max(counts, default=-1) + 1)
    for bucket, count in counts.items():
        histogram[bucket] += count
    return histogram


def _order_statistic(histogram: list[int], k: int) -> float:
    """Return the estimate of the k-th smallest value (0-based): spread evenly in its bucket on a log scale."""
    before = 0
    for bucket, count in enumerate(histogram):
        if k < before + count:
            low, high = bucket_edges(bucket)
            if bucket == LAST:
                return low
            share = (k - before + 0.5) / count
            return low + share * (high - low) if bucket == 0 else low * (high / low) ** share
        before += count
    raise IndexError(k)


def group_of(bucket: int) -> int:
    """Return the group of a bucket: bucket 0 alone, then the sixteen buckets of each doubling."""
    return 0 if bucket == 0 else 1 + (bucket - 1) // PER_DOUBLING


GROUPS = group_of(LAST) + 1


def group_buckets(group: int) -> range:
    """Return the buckets of a group."""
    if group == 0:
        return range(1)
    return range(1 + (group - 1) * PER_DOUBLING, min(LAST, group * PER_DOUBLING) + 1)


def percentile_groups(groups: list[int], fraction: float) -> list[int]:
    """Return the groups holding the values a percentile reads, from the counts by group: one, or two in turn."""
    rank = fraction * (sum(groups) - 1)
    ranks, found, before = {math.floor(rank), math.ceil(rank)}, [], 0
    for group, count in enumerate(groups):
        if any(before <= k < before + count for k in ranks):
            found.append(group)
        before += count
    return found


def histogram_of_groups(groups: list[int], buckets: dict[int, list[int]]) -> list[int]:
    """Return a histogram a percentile reads as the whole one: read groups' buckets, others' counts in their first."""
    histogram = [0] * (LAST + 1)
    for group, count in enumerate(groups):
        span = group_buckets(group)
        for bucket, n in zip(span, buckets.get(group, [count])):
            histogram[bucket] = n
    while histogram and not histogram[-1]:
        histogram.pop()
    return histogram


def histogram_percentile(histogram: list[int], fraction: float) -> float | None:
    """Return the percentile (0–1) interpolated like ``percentile_cont``; None for an empty histogram."""
    n = sum(histogram)
    if not n:
        return None
    rank = fraction * (n - 1)
    below = math.floor(rank)
    low = _order_statistic(histogram, below)
    if rank == below:
        return low
    return low + (rank - below) * (_order_statistic(histogram, below + 1) - low)
