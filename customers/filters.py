"""The customer list filters, shared by the HTML list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, CustomerTag
from customers.selectors import customer_search, level_labels
from helpdesk.filters import FilterSet
from helpdesk.instants import InstantFilter


class CustomerFilterSet(FilterSet):
    """Search (name, phone in any format, e-mail, order or ticket number), level, tag and creation date."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    # The levels are admin-editable rows: the codes are read when a form is built, not when the module loads.
    level = django_filters.ChoiceFilter(label=_("Level"), field_name="level", choices=lambda: list(level_labels().items()))
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag", max_length=32)
    created_after = InstantFilter(label=_("Created after"), field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Customer
        fields = ["q", "level", "tag", "created_after"]

    def filter_q(self, queryset, name, value):
        return customer_search(queryset, value)

    def filter_tag(self, queryset, name, value):
        # The tag rows' (tag, customer) index order: fast for rare and skewed tags alike.
        return queryset.filter(pk__in=CustomerTag.objects.filter(tag=value).values("customer_id"))

