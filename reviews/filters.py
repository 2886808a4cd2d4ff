"""The review FilterSet shared by the 差评 queue and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from helpdesk.filters import MAX_ID, AssigneeFilter, FilterSet, IdFilter
from helpdesk.instants import InstantFilter
from reviews.models import Review


class RatingFilter(django_filters.NumberFilter):
    """A whole rating from 1 to 5."""

    field_class = forms.IntegerField


class AttributionField(forms.CharField):
    """A team or user id, or ``none`` for reviews attributed to nobody."""

    default_error_messages = {"invalid": _("Enter an id or “none”.")}

    def to_python(self, value):
        value = super().to_python(value).strip().lower()
        if value in self.empty_values or value == "none" or (value.isdigit() and 0 < int(value) <= MAX_ID):
            return value
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field({"type": "string", "pattern": r"^(none|[1-9][0-9]{0,18})$",
                      "description": "An id, or \"none\" for reviews attributed to nobody."})
class AttributionFilter(AssigneeFilter):
    """Filter by the attributed team or agent (the order's last ticket before the review), or by none."""

    field_class = AttributionField


class ReviewFilterSet(FilterSet):
    """Reviews by shop, SKU, attributed team and agent, order, rating, outcome and review time."""

    shop = django_filters.CharFilter()
    sku = django_filters.CharFilter()
    team = AttributionFilter(field_name="team", label=_("Attributed team"))
    agent = AttributionFilter(field_name="agent", label=_("Attributed agent"))
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
        fields = ["shop", "sku", "team", "agent", "order_number", "customer", "rating_min", "rating_max", "outcome",
                  "reviewed_after", "reviewed_before"]

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(outcome="" if value == "none" else value)
