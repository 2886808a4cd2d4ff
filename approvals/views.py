"""The approver's queue page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import pgettext

from approvals.selectors import approvals_for_user


@login_required
def approval_queue(request):
    """List what waits for the user's decision: above-limit remedies and refunds, escalated tickets; oldest first."""
    if not request.user.has_perm("tickets.approve_remedy"):
        raise PermissionDenied
    return render(request, "approvals/queue.html", {
        "title": pgettext("navigation", "Awaiting approval"), "active_section": "approvals", "waiting": approvals_for_user(user=request.user),
    })
