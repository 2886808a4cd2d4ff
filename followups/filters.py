"""The follow-up visit and survey response filters, shared by the HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from followups.models import FollowUpRule, FollowUpVisit, SurveyResponse
from helpdesk.filters import AssigneeFilter, BooleanFilter, FilterSet, IdFilter
from helpdesk.instants import InstantFilter


class FollowUpVisitFilterSet(FilterSet):
    """Follow-up visits by assignee (a user id or "me"), status, kind, customer and due time."""

    assignee = AssigneeFilter(label=_("Assignee"), help_text=_('A user id, "me" or "none" (unassigned)'))
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=FollowUpVisit.Status.choices, distinct=False)
    kind = django_filters.ChoiceFilter(label=_("Kind of visit"), choices=FollowUpRule.Kind.choices)
    customer = IdFilter(label=_("Customer"), field_name="customer_id")
    due_before = InstantFilter(label=_("Due before"), field_name="due_at", lookup_expr="lt")
    due_after = InstantFilter(label=_("Due after"), field_name="due_at", lookup_expr="gte")

    class Meta:
        model = FollowUpVisit
        fields = ["assignee", "status", "kind", "customer", "due_before", "due_after"]


class SurveyResponseFilterSet(FilterSet):
    """Survey responses by agent, team, customer, low score and submission time (for the KPI reports)."""

    agent = IdFilter(label=_("Agent"), field_name="agent_id")
    team = IdFilter(label=_("Team"), field_name="team_id")
    customer = IdFilter(label=_("Customer"), field_name="customer_id")
    is_low = BooleanFilter(label=_("Low score"))
    submitted_after = InstantFilter(label=_("Submitted after"), field_name="submitted_at", lookup_expr="gte")
    submitted_before = InstantFilter(label=_("Submitted before"), field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = SurveyResponse
        fields = ["agent", "team", "customer", "is_low", "submitted_after", "submitted_before"]
