"""Server-rendered customer pages."""

from django.utils.translation import gettext_lazy as _

from helpdesk.views import SectionView


class CustomerListView(SectionView):
    """The customer archive list."""

    permission_required = "customers.view_customer"
    section = "customers"
    title = _("Customers")
    summary = _("One archive per customer, with personal data masked unless you may see it.")
    features = (
        _("Search by name, phone in any format, e-mail, order or ticket number"),
        _("Timeline of orders, tickets, chats, returns, follow-up visits and surveys"),
        _("Archive review for key customers, duplicate merge, import and export"),
    )


class VisitListView(SectionView):
    """Follow-up visits due."""

    permission_required = "customers.view_customer"
    section = "followups"
    title = _("Follow-ups")
    summary = _("Follow-up visits (回访) and satisfaction surveys due, by date.")
    features = (
        _("Visits after purchase, after a return and after a complaint is resolved"),
        _("Outcome and feedback recorded; problems found become tickets"),
    )
