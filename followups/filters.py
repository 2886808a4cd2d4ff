"""The follow-up visit and survey response filters, shared by the HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from followups.models import FollowUpRule, FollowUpVisit, SurveyResponse
from helpdesk.instants import InstantFilter

MAX_ID = 2**63 - 1


class FollowUpVisitFilterSet(django_filters.FilterSet):
    """Follow-up visits by assignee (a user id or "me"), status, kind, customer and due time."""

    assignee = django_filters.CharFilter(label=_("Assignee (user id or “me”)"), method="filter_assignee", max_length=20)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=FollowUpVisit.Status.choices, distinct=False)
    kind = django_filters.ChoiceFilter(label=_("Kind of visit"), choices=FollowUpRule.Kind.choices)
    customer = django_filters.NumberFilter(label=_("Customer"), field_name="customer_id", min_value=1, max_value=MAX_ID)
    due_before = InstantFilter(label=_("Due before"), field_name="due_at", lookup_expr="lt")
    due_after = InstantFilter(label=_("Due after"), field_name="due_at", lookup_expr="gte")

    class Meta:
        model = FollowUpVisit
        fields = ["assignee", "status", "kind", "customer", "due_before", "due_after"]

    def filter_assignee(self, queryset, name, value):
        value = value.strip()
        if value == "me":
            return queryset.filter(assignee=self.request.user) if self.request else queryset.none()
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if not value.isdigit() or int(value) > MAX_ID:
            return queryset.none()
        return queryset.filter(assignee_id=int(value))


class SurveyResponseFilterSet(django_filters.FilterSet):
    """Survey responses by agent, team, customer, low score and submission time (for the KPI reports)."""

    agent = django_filters.NumberFilter(label=_("Agent"), field_name="agent_id", min_value=1, max_value=MAX_ID)
    team = django_filters.NumberFilter(label=_("Team"), field_name="team_id", min_value=1, max_value=MAX_ID)
    customer = django_filters.NumberFilter(label=_("Customer"), field_name="customer_id", min_value=1, max_value=MAX_ID)
    is_low = django_filters.BooleanFilter(label=_("Low score"))
    submitted_after = InstantFilter(label=_("Submitted after"), field_name="submitted_at", lookup_expr="gte")
    submitted_before = InstantFilter(label=_("Submitted before"), field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = SurveyResponse
        fields = ["agent", "team", "customer", "is_low", "submitted_after", "submitted_before"]
