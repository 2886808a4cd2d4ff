"""Roll the per-ticket facts up per local hour (and per day and category) so summaries read a few rows."""

import datetime as dt

from django.db import transaction
from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, OuterRef, Q, Sum, Value
from django.db.models.functions import TruncHour
from django.utils import timezone

from kpi.models import FactDayCategory, FactHour, TicketFact
from kpi.policies import kpi_settings_get
from orders.models import Order
from tickets.models import Ticket

PRESALES = Q(channel=Ticket.Channel.CHAT, kind=Ticket.Kind.CONSULTATION)


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


@transaction.atomic
def fact_rollups_refresh(*, days: set[dt.date]) -> int:
    """Recompute the hourly and category rollups of the given local days from the facts; return rows written."""
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
        FactDayCategory.objects.filter(day=day).delete()
        categories = facts.values("team_id", "channel", "kind", "category_id").annotate(volume=Count("pk")).order_by()
        written += len(FactDayCategory.objects.bulk_create(FactDayCategory(day=day, **row) for row in categories))
    return written


def days_of(instants) -> set[dt.date]:
    """Return the local days of the instants."""
    return {timezone.localtime(instant).date() for instant in instants}
