"""The ticket lists: the inbox (the agent's work queue) and all tickets (search, filters, saved views)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rest_framework.exceptions import ValidationError as QueryError
from rest_framework.request import Request

from helpdesk.api.pagination import CursorPagination
from helpdesk.models import User
from tickets import services
from tickets.api.views import TicketCursorPagination
from tickets.filters import VIEW_CHOICES, TicketFilterSet, saved_query_encode
from tickets.bulk import ACTIONS as BULK_ACTIONS
from tickets.models import Ticket
from tickets.pick_lists import category_options, pick_lists, tag_options, team_options
from tickets.selectors import (
    VIEW_COUNT_CAP,
    bulk_assignees_for,
    saved_views_for_user,
    ticket_inbox_filter,
    ticket_list_for_user,
    ticket_list_rows,
    ticket_view_counts,
    ticket_view_counts_forget,
)

# The empty option of each compact select, in the UI language (never "---------").
EMPTY_LABELS = {
    "kind": gettext_lazy("Any kind"),
    "channel": gettext_lazy("Any channel"),
    "category": gettext_lazy("Any category"),
    "team": gettext_lazy("Any team"),
}
ASSIGNEE_LABELS = {"me": gettext_lazy("Me"), "none": gettext_lazy("Unassigned")}
NO_DEADLINE = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)  # tickets without a running SLA target come last in the inbox


class InboxCursorPagination(CursorPagination):
    """The inbox's order: the soonest SLA deadline first, then the oldest ticket."""

    ordering = ("time_left", "created_at", "id")
    orderings = {"sla_due": ("time_left", "created_at", "id")}


class TicketListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """All tickets the user may see, newest activity first, with every filter; the current filters may be saved."""

    permission_required = "tickets.view_ticket"
    template_name = "tickets/ticket_list.html"
    section = "tickets"
    title = gettext_lazy("All tickets")
    lead = gettext_lazy("Every ticket you may see, newest activity first. Filter, search and save views here.")
    is_inbox = False
    pagination_class = TicketCursorPagination

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except QueryError as exc:  # a cursor, page size or order the list does not offer
            text = " ".join(str(error) for errors in exc.detail.values() for error in errors)
            return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")

    def post(self, request, *args, **kwargs):
        """Save the list's current filters (the page's query string) as a view of the user's own."""
        name = request.POST.get("name", "")
        try:
            saved = services.saved_view_create(user=request.user, name=name, query=request.GET.urlencode())
        except ValidationError as exc:
            context = self.get_context_data(save_errors=exc.message_dict, save_name=name)
            return self.render_to_response(context, status=400)
        ticket_view_counts_forget(user_ids=[request.user.pk])
        messages.success(request, _("View “%(name)s” saved.") % {"name": saved.name})
        return redirect(f"{reverse('tickets:ticket_list')}?{saved.query}")

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "ticket-rows":
            return ["tickets/ticket_list.html#rows"]
        return [self.template_name]

    def tickets_for(self, filterset):
        """Return the filtered tickets in the list's order (newest activity, or due soonest if asked)."""
        from sla.filters import ticket_annotate_sla_due  # the SLA app builds on tickets: imported when used

        tickets = filterset.qs if filterset.is_valid() else ticket_list_for_user(user=self.request.user).none()
        if self.request.GET.get("ordering") == "sla_due":
            tickets = ticket_annotate_sla_due(tickets).filter(sla_due__isnull=False)
        return tickets

    def get_context_data(self, **kwargs):
        from sla.selectors import sla_running_timers  # the SLA app builds on tickets: imported when used

        user = self.request.user
        self.lists = pick_lists()  # the categories, teams and tags: read once for the filters and the bulk bar
        filterset = TicketFilterSet(self.request.GET, queryset=ticket_list_for_user(user=user), request=self.request)
        filter_form_dress(filterset.form, lists=self.lists)
        tickets = self.tickets_for(filterset)  # may choose the pagination of its order
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(ticket_list_rows(tickets).prefetch_related(Prefetch("tags", to_attr="tag_list")), Request(self.request))
        timers = sla_running_timers(ticket_ids=[ticket.pk for ticket in page])
        for ticket in page:
            running = timers.get(ticket.pk, [])
            ticket.sla_timer = running[0] if running else None
        current_view = self.request.GET.get("view", "")
        return super().get_context_data(
            active_section=self.section, title=self.title, lead=self.lead, is_inbox=self.is_inbox,
            filterset=filterset, tickets=page, can_change=user.has_perm("tickets.change_ticket"),
            next_link=paginator.get_next_link(), previous_link=paginator.get_previous_link(),
            **list_views(self.request, is_inbox=self.is_inbox), current_view=current_view, count_cap=VIEW_COUNT_CAP,
            due_soonest=self.request.GET.get("ordering") == "sla_due",
            status_chips=choice_chips(filterset.form, "status", self.request.GET.getlist("status")),
            priority_chips=choice_chips(filterset.form, "priority", self.request.GET.getlist("priority")),
            active_filters=active_filters(self.request, filterset.form, lists=self.lists),
            clear_url=f"?view={current_view}" if current_view else "?",
            **kwargs
        )

    def bulk_options(self) -> dict:
        """Return the choices of the bulk bar (read only when the whole page is rendered, not for the rows)."""
        user = self.request.user
        return {
            "actions": [(key, label) for key, label in BULK_ACTIONS.items()
                        if key != "merge" or user.has_perm("tickets.merge_ticket")],
            "assignees": bulk_assignees_for(user=user).only("pk", *User.LABEL_FIELDS),
            "statuses": Ticket.Status.choices,
            "priorities": Ticket.Priority.choices,
            "categories": category_options(active_only=True, lists=self.lists),
            "tags": tag_options(lists=self.lists),
            "i18n": {
                "selected": _("{count} tickets selected"),
                "choose": _("Choose an action."),
                "value": _("Give a value."),
                "oldest": _("the oldest selected ticket, {number}"),
                "assign": _("Assign {count} tickets to {value}."),
                "unassign": _("Take {count} tickets off their assignees."),
                "status": _("Change {count} tickets to {value}; a ticket whose status cannot change so is skipped."),
                "priority": _("Set the priority of {count} tickets to {value}."),
                "category": _("Move {count} tickets to the category {value}."),
                "tag": _("Tag {count} tickets with {value}."),
                "merge": _("Merge {count} tickets into {value}; the others are closed as merged."),
            },
        }


class InboxView(TicketListView):
    """The agent's work queue: open work assigned to them or unassigned in their teams, newest activity first.

    "Time left" sorts it by the soonest running SLA deadline (tickets without one last), as on the full list.
    """

    section = "inbox"
    title = gettext_lazy("My inbox")
    lead = gettext_lazy("Open work assigned to you or unassigned in your teams, newest activity first; "
                        "“Time left” sorts it by the soonest SLA deadline.")
    is_inbox = True
    http_method_names = ["get", "head", "options"]

    def tickets_for(self, filterset):
        from sla.filters import ticket_annotate_sla_due  # the SLA app builds on tickets: imported when used

        user = self.request.user
        tickets = filterset.qs if filterset.is_valid() else ticket_list_for_user(user=user).none()
        if not self.request.GET.get("view"):  # a view tab replaces the default queue
            tickets = ticket_inbox_filter(tickets, user=user)
        if self.request.GET.get("ordering") != "sla_due":
            return tickets
        self.pagination_class = InboxCursorPagination
        return ticket_annotate_sla_due(tickets).annotate(time_left=Coalesce("sla_due", Value(NO_DEADLINE)))


class SavedViewDeleteView(LoginRequiredMixin, View):
    """Delete one of the user's saved views (another user's is not found)."""

    def post(self, request, pk):
        saved = get_object_or_404(saved_views_for_user(user=request.user), pk=pk)
        services.saved_view_delete(view=saved)
        ticket_view_counts_forget(user_ids=[request.user.pk])
        messages.success(request, _("View “%(name)s” deleted.") % {"name": saved.name})
        return redirect("tickets:ticket_list")


def list_views(request, *, is_inbox: bool) -> dict:
    """Return the view tabs of a list: the default, the built-ins and the user's saved views, each with its count."""
    user = request.user
    counts = ticket_view_counts(user=user)
    current = request.GET.get("view", "")
    here = saved_query_encode(request.GET.urlencode())
    list_url = reverse("tickets:ticket_list")
    saved = [{"pk": view["pk"], "label": view["name"], "url": f"{list_url}?{view['query']}",
              "current": not is_inbox and view["query"] == here, "count": view["count"]}
             for view in counts["saved"]]
    default = {"key": "", "label": _("My work") if is_inbox else _("All"), "url": "?",
               "current": not current and not any(view["current"] for view in saved),
               "count": counts["inbox"] if is_inbox else None}
    builtins = [{"key": key, "label": label, "url": f"?view={key}", "current": key == current, "count": counts[key]}
                for key, label in VIEW_CHOICES]
    return {"saved_views": [default, *builtins], "own_views": saved}


def filter_form_dress(form, *, lists: dict | None = None) -> None:
    """Give the compact selects an empty option in the UI language; categories and teams come from the cached lists."""
    options = {"category": category_options(lists=lists), "team": team_options(lists=lists)}
    for name, empty in EMPTY_LABELS.items():
        field = form.fields[name]
        if name in options:
            choices = [(option.pk, option.label) for option in options[name]]
        else:
            choices = [(value, label) for value, label in field.choices if value != ""]
        field.widget.choices = [("", empty), *choices]
        field.widget.attrs.update({"aria-label": str(field.label), "class": "compact"})


def choice_chips(form, name: str, selected: list[str]) -> list[dict]:
    """Return the toggle chips of a multiple-choice filter: value, label and whether it is on."""
    return [{"value": value, "label": label, "on": value in selected}
            for value, label in form.fields[name].choices if value != ""]


def active_filters(request, form, *, lists: dict | None = None) -> list[dict]:
    """Return the filters in the query as removable chips: the filter's label, the value shown and the query without it."""
    params = request.GET
    shown = {"category": {str(o.pk): o.label for o in category_options(lists=lists)},
             "team": {str(o.pk): o.label for o in team_options(lists=lists)}}
    chips = []
    for name in TicketFilterSet.base_filters:
        if name == "view":  # the view tabs show it
            continue
        values = [value for value in params.getlist(name) if value.strip()]
        for value in values:
            rest = params.copy()
            rest.setlist(name, [v for v in params.getlist(name) if v != value])
            rest.pop("cursor", None)
            chips.append({"name": name, "label": form.fields[name].label,
                          "value": _value_label(form, name, value, shown), "url": f"?{rest.urlencode()}"})
    return chips


def _value_label(form, name: str, value: str, shown: dict) -> str:
    if name in shown:
        return shown[name].get(value, value)
    if name == "assignee":
        if value in ASSIGNEE_LABELS:
            return str(ASSIGNEE_LABELS[value])
        user = User.objects.filter(pk=value).first() if value.isascii() and value.isdigit() and len(value) < 19 else None
        return str(user) if user else value
    choices = getattr(form.fields[name], "choices", None)
    if choices:
        return str(dict((str(k), v) for k, v in choices).get(value, value))
    return value
