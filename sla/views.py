"""Server-rendered SLA pages: the supervisors' at-risk list and the notifications list."""

import functools

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sla.selectors import notification_list_for_user, sla_now_iso, sla_timer_list_at_risk_for_user
from sla.services import notification_mark_all_read


@functools.cache
def _ticket_url_name() -> str | None:
    """Return the URL name of the ticket page: the workspace's once it exists, else the admin's."""
    for name in ("tickets:ticket_detail", "admin:tickets_ticket_change"):
        try:
            reverse(name, args=[1])
            return name
        except NoReverseMatch:
            continue
    return None


def ticket_url(ticket) -> str:
    """Return the URL of the ticket's page."""
    name = _ticket_url_name()
    return reverse(name, args=[ticket.pk]) if name else ""


@login_required
@permission_required("sla.view_at_risk", raise_exception=True)
def sla_at_risk(request):
    """List the running SLA deadlines of the supervisor's teams, least time left first, with live countdowns."""
    timers = list(sla_timer_list_at_risk_for_user(request.user))
    for timer in timers:
        timer.ticket_url = ticket_url(timer.ticket)
    return render(request, "sla/at_risk.html", {
        "title": _("At risk"), "active_section": "sla", "timers": timers, "server_now": sla_now_iso(),
    })


@login_required
def notification_list(request):
    """List the user's in-app notifications, newest first."""
    notifications = list(notification_list_for_user(request.user)[:100])
    for notification in notifications:
        notification.ticket_url = notification.link or (ticket_url(notification.ticket) if notification.ticket_id else "")
    return render(request, "sla/notification_list.html", {
        "title": _("Notifications"), "notifications": notifications,
    })


@login_required
@require_POST
def notification_read_all(request):
    """Mark every notification of the user read and go back to the list."""
    notification_mark_all_read(user=request.user)
    return redirect("sla:notification_list")
