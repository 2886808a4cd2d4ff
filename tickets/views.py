"""Server-rendered ticket pages."""

from django.utils.translation import gettext_lazy as _

from helpdesk.views import SectionView


class InboxView(SectionView):
    """The agent inbox."""

    permission_required = "tickets.view_ticket"
    section = "inbox"
    title = _("Inbox")
    summary = _("Every customer contact you may work on, newest activity first.")
    features = (
        _("Saved views: mine, unassigned in my teams, waiting on customer, escalated to me"),
        _("Filters by status, kind, channel, category, priority, assignee, team and date"),
        _("Search by ticket number, subject, customer name, phone, e-mail or order number"),
        _("Live SLA countdowns, refreshed without reloading the page"),
    )


class TicketListView(SectionView):
    """All tickets the user may see."""

    permission_required = "tickets.view_ticket"
    section = "tickets"
    title = _("Tickets")
    summary = _("Tickets and complaints through the seven complaint steps, from intake to feedback.")
    features = (
        _("Conversation thread with replies and internal notes, canned replies and the service-language check"),
        _("Assign, claim, transfer, escalate, internal tasks and remedies with approval"),
        _("Complaint progress tracker and full event history"),
    )
