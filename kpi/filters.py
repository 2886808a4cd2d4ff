"""The conduct-record FilterSet of the API."""

import django_filters

from helpdesk.filters import FilterSet, IdFilter
from kpi.models import ConductRecord


class ConductRecordFilterSet(FilterSet):
    """Conduct records by agent, kind, category and date (inclusive days)."""

    agent = IdFilter(field_name="agent_id")
    kind = django_filters.ChoiceFilter(choices=ConductRecord.Kind.choices)
    category = django_filters.ChoiceFilter(choices=ConductRecord.Category.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ConductRecord
        fields = ["agent", "kind", "category", "date_from", "date_to"]
