"""SQL over the rollups' histograms: their counts by group, and their bucket-wise sums, added by PostgreSQL."""

from django.contrib.postgres.fields import ArrayField
from django.db.models import Aggregate, BigIntegerField, Func, IntegerField

from kpi.histograms import GROUPS, LAST, group_buckets


class HistogramGroups(Func):
    """A histogram column's counts by group of ``kpi.histograms`` (bucket 0, then sixteen buckets a doubling).

    ``ARRAY[h[1], h[2] + … + h[17], …]``, missing buckets as 0: immutable, so a stored generated column can keep it.
    """

    output_field = ArrayField(IntegerField())

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.get_source_expressions()[0])
        groups = ", ".join(" + ".join(f"coalesce({column}[{bucket + 1}], 0)" for bucket in group_buckets(group))
                           for group in range(GROUPS))
        return f"ARRAY[{groups}]", tuple(params) * (LAST + 1)


class HistogramSum(Aggregate):
    """The bucket-wise sum of an integer-array histogram column over the rows, as one array of every bucket.

    ``ARRAY[SUM(h[first + 1]), …, SUM(h[first + buckets])]``: PostgreSQL adds the buckets where the rows are,
    so a month of daily rollups comes back as one array instead of one array per row for Python to parse and
    add. ``first`` and ``buckets`` choose the run of buckets to add (all of them by default); a bucket no row
    reaches sums to NULL, which ``histogram_from_sums`` reads as 0.
    """

    name = "HistogramSum"
    output_field = ArrayField(BigIntegerField())

    def __init__(self, expression, *, first: int = 0, buckets: int = LAST + 1, **extra):
        self.first = max(0, min(first, LAST))
        self.buckets = max(1, min(buckets, LAST + 1 - self.first))
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.get_source_expressions()[0])
        sums = ", ".join(f"SUM({column}[{index}])" for index in range(self.first + 1, self.first + self.buckets + 1))
        return f"ARRAY[{sums}]", tuple(params) * self.buckets


def histogram_from_sums(sums: list | None) -> list[int]:
    """Return the histogram of a ``HistogramSum`` result: NULL buckets as 0, no trailing empty buckets."""
    histogram = [value or 0 for value in sums or []]
    while histogram and not histogram[-1]:
        histogram.pop()
    return histogram
