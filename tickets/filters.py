"""The ticket and internal-task FilterSets, each shared by its HTML list and the API."""

from types import SimpleNamespace

import django_filters
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.filters import AssigneeFilter, BooleanFilter, FilterSet, IdFilter
from helpdesk.instants import InstantFilter
from helpdesk.models import Team
from tickets.models import Category, InternalTask, Tag, Ticket
from tickets.selectors import SAVED_VIEWS, ticket_saved_view_filter, ticket_search

VIEW_CHOICES = [
    ("mine", _("Mine")),
    ("team", _("My teams")),
    ("unassigned", _("Unassigned in my teams")),
    ("waiting", _("Waiting on customer")),
    ("escalated", _("Escalated to me")),
    ("overdue", _("Overdue")),
    ("drafts", _("My drafts")),
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


SAVED_QUERY_LENGTH = 1000


def saved_query_encode(query: str) -> str:
    """Return the query string a saved view keeps: the ticket filters only, blanks dropped, in the FilterSet's order."""
    given = QueryDict(query.lstrip("?"))
    kept = QueryDict(mutable=True)
    for name in TicketFilterSet.base_filters:
        values = [value for value in given.getlist(name) if value.strip()]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def saved_query_clean(query: str, *, user) -> tuple[str, list[str]]:
    """Return the query string a saved view keeps and the FilterSet's errors about it."""
    encoded = saved_query_encode(query)
    kept = QueryDict(encoded)
    if len(encoded) > SAVED_QUERY_LENGTH:
        return encoded, [_("Too many filters to save in one view.")]
    filterset = TicketFilterSet(kept, queryset=Ticket.objects.none(), request=SimpleNamespace(user=user))
    errors = [f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()] if not filterset.is_valid() else []
    return encoded, errors


TASK_SHOW_CHOICES = [
    ("mine", _("Mine")),
    ("unassigned", _("Unassigned")),
    ("overdue", _("Overdue")),
    ("done", _("Done")),
]


class InternalTaskFilterSet(FilterSet):
    """Filters of the department-task queue and of GET /api/v1/tasks/: open tasks unless ``show=done``."""

    show = django_filters.ChoiceFilter(choices=TASK_SHOW_CHOICES, method="filter_show", label=_("Show"),
                                       help_text=_("Open tasks by default; mine, unassigned, overdue, or done ones"))
    department = django_filters.ChoiceFilter(choices=InternalTask.Department.choices, label=_("Department"))

    class Meta:
        model = InternalTask
        fields = []

    @property
    def shows_done(self) -> bool:
        return self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("show") == "done"

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).filter(is_done=self.shows_done)

    def filter_show(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(assignee=self.request.user)
        if value == "unassigned":
            return queryset.filter(assignee__isnull=True)
        if value == "overdue":
            return queryset.filter(due_at__lt=timezone.now())
        return queryset
