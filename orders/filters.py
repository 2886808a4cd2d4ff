"""FilterSets shared by the HTML lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.filters import BooleanFilter, FilterSet, IdFilter
from helpdesk.instants import InstantFilter
from customers.models import Customer
from orders.models import Order, ReturnRequest

CUSTOMER_MATCHES = 50


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class OrderFilterSet(FilterSet):
    """Orders by number, customer (name or phone) or tracking number, status, shop and date."""

    q = django_filters.CharFilter(method="filter_q", label=_("Order number, customer or tracking number"))
    status = django_filters.MultipleChoiceFilter(choices=Order.Status.choices, distinct=False)  # one row per order: no DISTINCT
    customer = IdFilter(field_name="customer_id")
    shop = django_filters.CharFilter()
    placed_after = InstantFilter(field_name="placed_at", lookup_expr="gte")
    placed_before = InstantFilter(field_name="placed_at", lookup_expr="lt")
    delivered_after = InstantFilter(field_name="delivered_at", lookup_expr="gte")
    delivered_before = InstantFilter(field_name="delivered_at", lookup_expr="lt")
    paid_after = InstantFilter(field_name="paid_at", lookup_expr="gte")
    paid_before = InstantFilter(field_name="paid_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields = ["q", "status", "customer", "shop", "placed_after", "placed_before", "delivered_after",
                  "delivered_before", "paid_after", "paid_before"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        customers = Q(name=value)
        digits = _digits(value)
        if len(digits) >= 7:
            customers |= Q(phone=digits[-11:])
        # Customer ids first, so the order query is a bitmap OR of three indexes, not a join scan.
        customer_ids = list(Customer.objects.filter(customers).values_list("pk", flat=True)[:CUSTOMER_MATCHES])
        return queryset.filter(Q(number=value) | Q(tracking_number=value) | Q(customer_id__in=customer_ids))


class ReturnRequestFilterSet(FilterSet):
    """Returns by number, order number or phone, status, kind, reason, order, customer, ticket and breached steps."""

    q = django_filters.CharFilter(method="filter_q", label=_("Return number, order number or phone"))
    status = django_filters.MultipleChoiceFilter(choices=ReturnRequest.Status.choices, distinct=False)
    kind = django_filters.ChoiceFilter(choices=ReturnRequest.Kind.choices)
    reason = django_filters.ChoiceFilter(choices=ReturnRequest.Reason.choices)
    order = IdFilter(field_name="order_id")
    customer = IdFilter(field_name="customer_id")
    ticket = IdFilter(field_name="ticket_id")
    is_breached = BooleanFilter(method="filter_breached", label=_("A step deadline is breached"))
    submitted_after = InstantFilter(field_name="created_at", lookup_expr="gte")
    submitted_before = InstantFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ReturnRequest
        fields = ["q", "status", "kind", "reason", "order", "customer", "ticket", "is_breached", "submitted_after",
                  "submitted_before"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(number=value) | Q(order__number=value)
        digits = _digits(value)
        if len(digits) >= 7:
            match |= Q(contact_phone=digits[-11:])
        return queryset.filter(match)

    def filter_breached(self, queryset, name, value):
        if value is None:
            return queryset
        breached = Q(deadlines__breached_at__isnull=False, deadlines__met_at__isnull=True)
        return queryset.filter(breached).distinct() if value else queryset.exclude(breached)
