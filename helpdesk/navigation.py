"""The application shell's navigation, filtered by what the user may open."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation, shown to whoever holds every permission its page requires."""

    key: str
    label: str
    url_name: str
    permissions: tuple[str, ...] = ()
    staff_only: bool = False
    # The dotted path of ``f(user) -> bool`` of the app that owns the page, when a permission alone does not say it.
    shown_to: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem("inbox", _("Inbox"), "tickets:inbox", ("tickets.view_ticket",)),
    NavItem("chat", _("Live chat"), "chat:inbox", ("tickets.add_ticketmessage",)),
    NavItem("tickets", _("Tickets"), "tickets:ticket_list", ("tickets.view_ticket",)),
    NavItem("calls", _("Log a call"), "tickets:call_new", ("tickets.add_ticket", "tickets.change_ticket")),
    NavItem("customers", _("Customers"), "customers:customer_list", ("customers.view_customer",)),
    NavItem("orders", _("Orders"), "orders:order_list", ("orders.view_order",)),
    NavItem("returns", _("Returns"), "orders:return_list", ("orders.view_returnrequest",)),
    NavItem("reviews", _("Negative reviews"), "reviews:queue", ("reviews.view_review",)),
    NavItem("followups", _("Follow-ups"), "followups:visit_list", ("followups.view_followupvisit",)),
    NavItem("kpi", _("KPI"), "kpi:dashboard", ("kpi.view_dashboard",)),
    NavItem("scorecards", _("Scorecards"), "kpi:scorecard_list", ("tickets.view_ticket",)),
    NavItem("tasks", _("Department tasks"), "tickets:task_queue", ("tickets.view_internaltask",),
            shown_to="tickets.selectors.internal_task_queue_visible"),
    NavItem("approvals", pgettext_lazy("navigation", "Awaiting approval"), "approvals:queue", ("tickets.approve_remedy",)),
    NavItem("sla", _("At risk"), "sla:at_risk", ("sla.view_at_risk",)),
    NavItem("knowledge", _("Knowledge base"), "knowledge:article_list", ("knowledge.view_article",)),
    NavItem("training", _("My training"), "knowledge:training_mine", ("knowledge.view_trainingrecord",)),
    NavItem("canned", _("Canned replies"), "tickets:canned_list", ("tickets.view_cannedreply",)),
    NavItem("admin", _("Django admin"), "admin:index", staff_only=True),
]


def nav_items_for(user) -> list[NavItem]:
    """Return the navigation entries the user may open."""
    if not user.is_authenticated:
        return []
    items = []
    for item in NAV_ITEMS:
        if item.staff_only and not user.is_staff:
            continue
        if not user.has_perms(item.permissions):
            continue
        if item.shown_to and not import_string(item.shown_to)(user):
            continue
        items.append(item)
    return items
