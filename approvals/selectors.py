"""What waits for an approver: remedies and refunds above a limit, and tickets escalated to them (scoped reads)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.urls import reverse

from orders.models import ReturnDeadline, ReturnRequest
from orders.selectors import return_list_for_user
from tickets import workflow
from tickets.models import Remedy
from tickets.selectors import ticket_list_for_user

LIMIT = 100  # per kind: a queue longer than this is a staffing question, not a page to scroll


@dataclass(frozen=True)
class Waiting:
    """One request waiting for the viewer: what, for whom, how much, asked by whom and since when."""

    kind: str
    number: str
    subject: str
    url: str
    asked_by: str
    since: datetime
    amount: Decimal | None = None
    due_at: datetime | None = None
    is_provisional: bool = False


def approvals_for_user(*, user) -> list[Waiting]:
    """Return what waits for the user's decision, oldest first, within what they may see."""
    waiting = []
    if user.has_perm("tickets.approve_remedy"):
        remedies = (Remedy.objects.filter(status=Remedy.Status.AWAITING_APPROVAL,
                                          ticket__in=ticket_list_for_user(user=user).order_by().values("pk"))
                    .select_related("ticket", "proposed_by").order_by("created_at")[:LIMIT])
        waiting += [Waiting(kind="remedy", number=remedy.ticket.number, subject=remedy.ticket.subject,
                            url=reverse("tickets:ticket_detail", args=[remedy.ticket_id]) + "#remedies",
                            asked_by=str(remedy.proposed_by or ""), since=remedy.created_at, amount=remedy.amount)
                    for remedy in remedies]
        refunds = (return_list_for_user(user=user).filter(status=ReturnRequest.Status.AWAITING_REFUND_APPROVAL)
                   .order_by("updated_at")[:LIMIT])
        for ret in refunds:
            deadline = next((row for row in ret.deadlines.all() if row.step == ReturnDeadline.Step.APPROVAL), None)
            waiting.append(Waiting(kind="refund", number=ret.number, subject=ret.order.number,
                                   url=reverse("orders:return_detail", args=[ret.pk]), asked_by="", since=ret.updated_at,
                                   amount=ret.refund_amount, due_at=deadline.due_at if deadline else None,
                                   is_provisional=bool(deadline and deadline.is_provisional)))
    escalated = (ticket_list_for_user(user=user).filter(escalated_to=user, status__in=workflow.ACTIVE)
                 .order_by("updated_at")[:LIMIT])
    waiting += [Waiting(kind="escalation", number=ticket.number, subject=ticket.subject,
                        url=reverse("tickets:ticket_detail", args=[ticket.pk]), asked_by="", since=ticket.updated_at)
                for ticket in escalated]
    return sorted(waiting, key=lambda item: item.since)
