"""Roll the per-ticket facts up per local hour, per day and per day and category, and the shop reviews per day.

Summaries then read a few rows per day and team instead of the facts and reviews.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, OuterRef, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncHour
from django.utils import timezone

from kpi.histograms import BUCKET_SQL, histogram_from_counts
from kpi.models import FactDay, FactDayCategory, FactHour, ReviewDay, TicketFact
from kpi.policies import kpi_settings_get
from orders.models import Order
from reviews.models import Review
from reviews.selectors import review_rollup_sums
from tickets.models import Ticket

PRESALES = Q(channel=Ticket.Channel.CHAT, kind=Ticket.Kind.CONSULTATION)
COMPLAINT = Q(kind=Ticket.Kind.COMPLAINT)
SUM_COLUMNS = ("volume", "frt_count", "frt_sum", "responses", "response_minutes", "resolved", "fcr", "frt_sla_met",
               "frt_sla_all", "res_sla_met", "res_sla_all", "excused", "converted", "step_on_time", "step_all")


def converted_filter(window: dt.timedelta) -> Q:
    """Return the condition of a pre-sales chat whose customer ordered within the window after it started (转化)."""
    ordered_soon = Order.objects.filter(
        customer_id=OuterRef("customer_id"), placed_at__gt=OuterRef("created_at"),
        placed_at__lte=ExpressionWrapper(OuterRef("created_at") + Value(window), output_field=DateTimeField()),
    )
    # AND evaluates left to right: the order lookup runs only for pre-sales chats.
    return PRESALES & Q(Exists(ordered_soon))


def fact_sums(window: dt.timedelta) -> dict:
    """Return the additive aggregates of facts, named like the ``FactHour`` columns."""
    return {
        "volume": Count("pk"),
        "frt_count": Count("pk", filter=Q(first_response_minutes__isnull=False)),
        "frt_sum": Sum("first_response_minutes", default=0.0),
        "responses": Sum("responses", default=0),
        "response_minutes": Sum("response_minutes_total", default=0.0),
        "resolved": Count("pk", filter=Q(resolved_at__isnull=False)),
        "fcr": Count("pk", filter=Q(is_first_contact_resolution=True)),
        "frt_sla_met": Count("pk", filter=Q(sla_first_response_met=True, is_sla_excused=False)),
        "frt_sla_all": Count("pk", filter=Q(sla_first_response_met__isnull=False, is_sla_excused=False)),
        "res_sla_met": Count("pk", filter=Q(sla_resolution_met=True, is_sla_excused=False)),
        "res_sla_all": Count("pk", filter=Q(sla_resolution_met__isnull=False, is_sla_excused=False)),
        "excused": Count("pk", filter=Q(is_sla_excused=True)),
        "converted": Count("pk", filter=converted_filter(window)),
        "step_on_time": Sum("steps_on_time", default=0),
        "step_all": Sum("steps_due", default=0),
    }


def hour_sums() -> dict:
    """Return the sums of ``FactHour`` rows that a summary or a daily rollup reads, complaints and chats apart."""
    # Aliases must differ from the column names, or the filtered sums would refer to the aggregates.
    return {
        **{f"sum_{column}": Sum(column, default=0) for column in SUM_COLUMNS},
        "complaint_met": Sum("res_sla_met", filter=COMPLAINT, default=0),
        "complaint_all": Sum("res_sla_all", filter=COMPLAINT, default=0),
        "complaints": Sum("volume", filter=COMPLAINT, default=0),
        "chats": Sum("volume", filter=PRESALES, default=0),
    }


def unprefixed(row: dict) -> dict:
    """Return an aggregate row of ``hour_sums`` with the column names as keys."""
    return {key.removeprefix("sum_"): value for key, value in row.items()}


def _days_refresh(day: dt.date, start: dt.datetime, end: dt.datetime, facts) -> int:
    """Recompute the day's ``FactDay`` rows from its hourly rollups and its facts' first response times."""
    FactDay.objects.filter(day=day).delete()
    buckets: dict[tuple, dict[int, int]] = {}
    for team_id, channel, bucket, n in (
            facts.filter(first_response_minutes__isnull=False)
            .annotate(bucket=RawSQL(BUCKET_SQL.format(column="first_response_minutes"), ()))
            .values_list("team_id", "channel", "bucket").annotate(n=Count("pk")).order_by()):
        buckets.setdefault((team_id, channel), {})[bucket] = n
    rows = FactHour.objects.filter(hour__gte=start, hour__lt=end).values("team_id", "channel") \
        .annotate(**hour_sums()).order_by()
    return len(FactDay.objects.bulk_create(
        FactDay(day=day, frt_histogram=histogram_from_counts(buckets.get((row["team_id"], row["channel"]), {})),
                **unprefixed(row)) for row in rows))


@transaction.atomic
def fact_rollups_refresh(*, days: set[dt.date]) -> int:
    """Recompute the hourly, daily and category rollups of the given local days from the facts; return rows written."""
    tz = timezone.get_current_timezone()
    window = dt.timedelta(days=kpi_settings_get().conversion_window_days)
    written = 0
    for day in sorted(days):
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        end = start + dt.timedelta(days=1)
        facts = TicketFact.objects.filter(created_at__gte=start, created_at__lt=end)
        FactHour.objects.filter(hour__gte=start, hour__lt=end).delete()
        hours = facts.annotate(hour=TruncHour("created_at", tzinfo=tz)).values("hour", "team_id", "channel", "kind") \
            .annotate(**fact_sums(window)).order_by()
        written += len(FactHour.objects.bulk_create(FactHour(**row) for row in hours))
        written += _days_refresh(day, start, end, facts)
        FactDayCategory.objects.filter(day=day).delete()
        categories = facts.values("team_id", "channel", "kind", "category_id").annotate(volume=Count("pk")).order_by()
        written += len(FactDayCategory.objects.bulk_create(FactDayCategory(day=day, **row) for row in categories))
    return written


@transaction.atomic
def review_rollups_refresh(*, days: set[dt.date]) -> int:
    """Recompute the daily review rollups of the given local days from the reviews; return rows written."""
    tz = timezone.get_current_timezone()
    written = 0
    for day in sorted(days):
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        ReviewDay.objects.filter(day=day).delete()
        rows = Review.objects.filter(reviewed_at__gte=start, reviewed_at__lt=start + dt.timedelta(days=1)) \
            .values("team_id").annotate(**review_rollup_sums()).order_by()
        written += len(ReviewDay.objects.bulk_create(ReviewDay(day=day, **row) for row in rows))
    return written


def days_of(instants) -> set[dt.date]:
    """Return the local days of the instants."""
    return {timezone.localtime(instant).date() for instant in instants}
