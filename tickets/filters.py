"""The one ticket FilterSet, shared by the inbox and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from helpdesk.filters import AssigneeFilter, BooleanFilter, FilterSet, IdFilter
from helpdesk.instants import InstantFilter
from helpdesk.models import Team
from tickets.models import Category, Tag, Ticket
from tickets.selectors import SAVED_VIEWS, ticket_saved_view_filter, ticket_search

VIEW_CHOICES = [
    ("mine", _("Mine")),
    ("unassigned", _("Unassigned in my teams")),
    ("waiting", _("Waiting on customer")),
    ("escalated", _("Escalated to me")),
]
assert [v for v, _label in VIEW_CHOICES] == list(SAVED_VIEWS)


class TicketFilterSet(FilterSet):
    """Filters of the inbox and of GET /api/v1/tickets/: status, kind, channel, … and a search box."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100,
                                  help_text=_("Ticket number, subject, customer name, phone, e-mail or order number"))
    view = django_filters.ChoiceFilter(choices=VIEW_CHOICES, method="filter_view", label=_("Saved view"))
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices, label=_("Status"), distinct=False)
    kind = django_filters.ChoiceFilter(choices=Ticket.Kind.choices, label=_("Kind"))
    channel = django_filters.ChoiceFilter(choices=Ticket.Channel.choices, label=_("Channel"))
    priority = django_filters.MultipleChoiceFilter(choices=Ticket.Priority.choices, label=_("Priority"), distinct=False)
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.select_related("parent"), method="filter_category", label=_("Category"))
    tag = django_filters.ModelChoiceFilter(queryset=Tag.objects.all(), field_name="tags", label=_("Tag"),
                                           help_text=_("A tag id"))
    assignee = AssigneeFilter(label=_("Assignee"), help_text=_('A user id, "me" or "none" (unassigned)'))
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.filter(is_active=True), label=_("Team"))
    customer = IdFilter(field_name="customer_id", label=_("Customer"))
    created_after = InstantFilter(field_name="created_at", lookup_expr="gte", label=_("Created from"))
    created_before = InstantFilter(field_name="created_at", lookup_expr="lt", label=_("Created before"))
    sla_breached = BooleanFilter(method="filter_sla_breached", label=_("SLA breached"))
    sla_due_before = InstantFilter(method="filter_sla_due_before", label=_("SLA due before"))

    class Meta:
        model = Ticket
        fields = []

    def filter_q(self, queryset, name, value):
        return ticket_search(queryset, q=value)

    def filter_view(self, queryset, name, value):
        return ticket_saved_view_filter(queryset, view=value, user=self.request.user)

    def filter_category(self, queryset, name, value):
        # A parent category also finds its sub-categories.
        return queryset.filter(category_id__in=[value.pk, *value.children.values_list("pk", flat=True)])

    # The SLA app builds on tickets: its filters are imported when used.
    def filter_sla_breached(self, queryset, name, value):
        from sla.filters import ticket_filter_sla_breached

        return ticket_filter_sla_breached(queryset, value)

    def filter_sla_due_before(self, queryset, name, value):
        from sla.filters import ticket_filter_sla_due_before

        return ticket_filter_sla_due_before(queryset, value)
