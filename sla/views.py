"""Server-rendered SLA pages: the supervisors' at-risk list and the notifications list."""

import functools

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sla.selectors import (
    notification_list_for_user, notification_unread_count, sla_now_iso, sla_timer_list_at_risk_for_user,
)
from sla.services import notification_mark_all_read
from tickets.selectors import ticket_get_for_user, ticket_inbox_count


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


@login_required
def live_counts(request):
    """Return what the shell shows live (JSON): unread notifications with the newest one, the inbox count, a ticket's number.

    The page asks after a live event said something changed (``?ticket=`` the ticket it named, for a desktop
    notification): every answer is the viewer's own or passes the ticket scope.
    """
    user = request.user
    answer = {"notifications": notification_unread_count(user), "latest": None, "inbox": None, "ticket": None}
    newest = notification_list_for_user(user).filter(read_at__isnull=True).first()
    if newest is not None:
        answer["latest"] = {"id": newest.pk, "kind": newest.kind, "text": newest.text,
                            "url": newest.link or (ticket_url(newest.ticket) if newest.ticket_id else "")}
    if user.has_perm("tickets.view_ticket"):
        answer["inbox"] = ticket_inbox_count(user=user)
        pk = request.GET.get("ticket", "")
        if pk.isdigit() and len(pk) < 19:
            try:
                ticket = ticket_get_for_user(user=user, pk=int(pk))
                answer["ticket"] = {"id": ticket.pk, "number": ticket.number, "url": ticket_url(ticket)}
            except Http404:
                pass
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response
