"""SQL aggregates of the rollups: the bucket-wise sum of histogram columns, summed by PostgreSQL."""

from django.contrib.postgres.fields import ArrayField
from django.db.models import Aggregate, BigIntegerField

from kpi.histograms import LAST


class HistogramSum(Aggregate):
    """The bucket-wise sum of an integer-array histogram column over the rows, as one array of every bucket.

    ``ARRAY[SUM(h[1]), …, SUM(h[buckets])]``: PostgreSQL adds the buckets where the rows are, so a month of
    daily rollups comes back as one array instead of one array per row for Python to parse and add. ``buckets``
    (at most all of them) is how many to add: the longest histogram of the rows, which a cheap query tells.
    A bucket no row reaches sums to NULL; ``histogram_from_sums`` reads those as 0.
    """

    name = "HistogramSum"
    output_field = ArrayField(BigIntegerField())

    def __init__(self, expression, *, buckets: int = LAST + 1, **extra):
        self.buckets = max(1, min(buckets, LAST + 1))
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.get_source_expressions()[0])
        sums = ", ".join(f"SUM({column}[{index}])" for index in range(1, self.buckets + 1))
        return f"ARRAY[{sums}]", tuple(params) * self.buckets


def histogram_from_sums(sums: list | None) -> list[int]:
    """Return the histogram of a ``HistogramSum`` result: NULL buckets as 0, no trailing empty buckets."""
    histogram = [value or 0 for value in sums or []]
    while histogram and not histogram[-1]:
        histogram.pop()
    return histogram
