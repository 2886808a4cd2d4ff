"""The review FilterSet shared by the 差评 queue and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.filters import FilterSet, IdFilter
from helpdesk.instants import InstantFilter
from reviews.models import Review


class RatingFilter(django_filters.NumberFilter):
    """A whole rating from 1 to 5."""

    field_class = forms.IntegerField


class ReviewFilterSet(FilterSet):
    """Reviews by shop, SKU, order, rating, outcome and review time."""

    shop = django_filters.CharFilter()
    sku = django_filters.CharFilter()
    order_number = django_filters.CharFilter()
    customer = IdFilter(field_name="customer_id")
    rating_min = RatingFilter(field_name="rating", lookup_expr="gte", min_value=1, max_value=5,
                                             label=_("Rating at least"))
    rating_max = RatingFilter(field_name="rating", lookup_expr="lte", min_value=1, max_value=5,
                                             label=_("Rating at most"))
    outcome = django_filters.ChoiceFilter(choices=[("none", _("Not handled")), *Review.Outcome.choices[1:]],
                                          method="filter_outcome", label=_("Review outcome"))
    reviewed_after = InstantFilter(field_name="reviewed_at", lookup_expr="gte")
    reviewed_before = InstantFilter(field_name="reviewed_at", lookup_expr="lt")

    class Meta:
        model = Review
        fields = ["shop", "sku", "order_number", "customer", "rating_min", "rating_max", "outcome",
                  "reviewed_after", "reviewed_before"]

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(outcome="" if value == "none" else value)
