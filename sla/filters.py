"""SLA filters and ordering for ticket querysets, for the ticket FilterSet to plug in.

``TicketFilterSet`` can declare::

    sla_breached = django_filters.BooleanFilter(method=lambda qs, name, value: ticket_filter_sla_breached(qs, value))
    sla_due_before = django_filters.IsoDateTimeFilter(method=lambda qs, name, value: ticket_filter_sla_due_before(qs, value))

and order by ``sla_due`` with ``ticket_annotate_sla_due(qs).order_by(F("sla_due").asc(nulls_last=True))``.
"""

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from sla.models import TicketSLATimer


def _running_timers():
    return TicketSLATimer.objects.filter(ticket=OuterRef("pk"), met_at__isnull=True, paused_at__isnull=True,
                                         due_at__isnull=False)


def ticket_filter_sla_breached(queryset: QuerySet, value: bool | None) -> QuerySet:
    """Keep tickets with (or, for False, without) a breached SLA target."""
    if value is None:
        return queryset
    breached = Exists(TicketSLATimer.objects.filter(ticket=OuterRef("pk"), breached_at__isnull=False))
    return queryset.filter(breached) if value else queryset.exclude(breached)


def ticket_filter_sla_due_before(queryset: QuerySet, value) -> QuerySet:
    """Keep tickets with a running SLA target due before the instant."""
    if value is None:
        return queryset
    return queryset.filter(Exists(_running_timers().filter(due_at__lt=value)))


def ticket_annotate_sla_due(queryset: QuerySet) -> QuerySet:
    """Annotate ``sla_due``: the soonest deadline of the ticket's running targets (for 'due soonest')."""
    return queryset.annotate(sla_due=Subquery(_running_timers().order_by("due_at").values("due_at")[:1]))
