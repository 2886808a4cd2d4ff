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
