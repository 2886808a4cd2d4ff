"""Every write to returns and exchanges: lock, check the workflow, save, record an event, in one transaction."""

import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.notices import NoticeKind, notice_send
from helpdesk.enqueue import enqueue_on_commit
from helpdesk.instants import instant_text
from helpdesk.models import Team
from helpdesk.services import calendar_recompute_each
from helpdesk.sequences import daily_number
from helpdesk.teams import team_ids_for_user
from orders import deadlines, workflow
from orders.models import (
    Order, OrderItem, ReturnDeadline, ReturnEvent, ReturnItem, ReturnPhoto, ReturnRequest, ShopTeam, Sku,
)
from orders.selectors import return_approvers, return_policy_active, return_quote
from sla.models import Notification
from sla.services import approval_notify
from tickets.models import Remedy, TicketEvent, TicketMessage, TicketStep
from tickets.services import ticket_create, ticket_step_reach

logger = logging.getLogger(__name__)
S = ReturnRequest.Status
Step = ReturnDeadline.Step
RETURNABLE_ORDER_STATES = {Order.Status.DELIVERED, Order.Status.COMPLETED}


def _items_validate(*, order: Order, items: list[tuple[int, int]], exclude_id: int | None = None) -> list[tuple[OrderItem, int]]:
    """Return (order item, quantity) pairs, refusing more than was bought counting earlier returns."""
    if not items:
        raise ValidationError({"items": [_("Choose at least one item to return.")]})
    wanted: dict[int, int] = defaultdict(int)
    for order_item_id, quantity in items:
        if quantity < 1:
            raise ValidationError({"items": [_("Each quantity must be at least 1.")]})
        wanted[int(order_item_id)] += int(quantity)
    lines = {line.pk: line for line in OrderItem.objects.filter(order=order, pk__in=wanted)}
    unknown = set(wanted) - set(lines)
    if unknown:
        raise ValidationError({"items": [_("Item %(ids)s is not part of order %(order)s.") % {
            "ids": ", ".join(map(str, sorted(unknown))), "order": order.number}]})
    earlier = (
        ReturnItem.objects.filter(order_item__in=lines.keys(), return_request__status__in=workflow.COUNTED_STATES)
        .exclude(return_request_id=exclude_id)
        .values("order_item").annotate(total=Sum("quantity"))
    )
    returned = {row["order_item"]: row["total"] for row in earlier}
    errors = []
    for pk, quantity in wanted.items():
        left = lines[pk].quantity - returned.get(pk, 0)
        if quantity > left:
            errors.append(_("“%(name)s”: %(asked)d asked, but only %(left)d of the %(bought)d bought may still be returned.") % {
                "name": lines[pk].name, "asked": quantity, "left": max(left, 0), "bought": lines[pk].quantity})
    if errors:
        raise ValidationError({"items": errors})
    return [(lines[pk], quantity) for pk, quantity in wanted.items()]


def _order_check_returnable(order: Order) -> None:
    """Refuse a return on an order that was not delivered, or was cancelled."""
    if order.status == Order.Status.CANCELLED:
        raise ValidationError({"order": [_("Order %(number)s was cancelled; there is nothing to return.") % {"number": order.number}]})
    if order.status not in RETURNABLE_ORDER_STATES or order.delivered_at is None:
        raise ValidationError({"order": [_("Order %(number)s has not been delivered yet (status: %(status)s); "
                                           "a return can be requested once it is received.") % {
            "number": order.number, "status": order.get_status_display()}]})


def _sku_check_stock(sku: Sku | None, quantity: int) -> None:
    """Refuse an exchange whose wanted SKU is missing or out of stock."""
    if sku is None or quantity < 1:
        raise ValidationError({"exchange_sku": [_("An exchange needs the wanted SKU and quantity.")]})
    if not sku.is_active or sku.available < quantity:
        raise ValidationError({"exchange_sku": [_("%(sku)s is out of stock (%(available)d available).") % {
            "sku": sku.code, "available": max(sku.available, 0)}]})


def _event(ret: ReturnRequest, *, kind: str, actor=None, note: str = "", from_status: str = "", to_status: str = "",
           is_public: bool = True) -> ReturnEvent:
    """Record an event and mirror it into the ticket thread when the return came from a ticket."""
    event = ReturnEvent.objects.create(return_request=ret, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
                                       note=note, from_status=from_status, to_status=to_status, is_public=is_public)
    if ret.ticket_id:
        label = S(to_status).label if to_status else ReturnEvent.Kind(kind).label
        TicketMessage.objects.create(ticket_id=ret.ticket_id, sender=TicketMessage.Sender.SYSTEM, is_internal=True,
                                     body=_("Return/exchange %(number)s: %(step)s") % {"number": ret.number, "step": label}
                                     + (f" — {note}" if note else ""))
    return event


def _notify(ret: ReturnRequest, kind: str, text, context: dict) -> None:
    """Tell the customer (``customers.notices.notice_send``: their channel, in their language) and record it.

    ``text`` is a lazy translation with ``%(name)s`` fields from ``context``; the return's contact phone and
    e-mail are the addresses, the return's ticket decides the channel when it came by e-mail.
    """
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        fields = {key: value if isinstance(value, int) else str(value) for key, value in context.items()}
        body = str(text) % fields
        subject = _("Your return %(number)s") % {"number": ret.number}
    message = notice_send(customer=ret.customer, kind=kind, context=fields, ticket=ret.ticket, body=body,
                          subject=subject, language=language, phone=ret.contact_phone, email=ret.contact_email)
    channel = f"{message.channel}" if message is not None and message.recipient else "-"
    _event(ret, kind=ReturnEvent.Kind.NOTIFIED, note=f"[{channel}] {str(text) % context}")


def _deadline_start(ret: ReturnRequest, step: str, start) -> None:
    """Start (or restart) the timer of a step."""
    policy = return_policy_active()
    due = deadlines.step_due_at(policy, step, start)
    ReturnDeadline.objects.update_or_create(
        return_request=ret, step=step,
        defaults={"started_at": start, "due_at": due, "warn_at": deadlines.step_warn_at(start, due),
                  "met_at": None, "breached_at": None, "warned_at": None, "extended_days": 0,
                  "is_provisional": deadlines.step_is_provisional(policy, step, start, due)},
    )


def _deadline_meet(ret: ReturnRequest, *steps: str) -> None:
    """Mark open timers of the steps as met now (repeat-safe)."""
    ReturnDeadline.objects.filter(return_request=ret, step__in=steps, met_at__isnull=True).update(met_at=timezone.now())


# Steps the customer does not act on: a request read as "submitted" and confirmed meanwhile is still the same request.
_SAME_FOR_CALLER = {S.CONFIRMED: S.SUBMITTED}


def _locked(ret: ReturnRequest, expected_status: str = "") -> ReturnRequest:
    """Lock the request's row and refuse (409) when it moved on since the caller read it.

    The state compared is ``expected_status`` when the client sent it (the page it acted on), else the
    status of the instance the caller passed in: of two concurrent steps (approve and cancel), the second
    to get the lock finds the row changed and fails, whether or not the client sent expected_status.
    """
    seen = expected_status or ret.status
    ret = ReturnRequest.objects.select_for_update().select_related("order").get(pk=ret.pk)
    if seen and _SAME_FOR_CALLER.get(ret.status, ret.status) != _SAME_FOR_CALLER.get(seen, seen):
        raise workflow.TransitionError(_("The request is now “%(current)s”; reload it and try again.") % {
            "current": ret.get_status_display()})
    return ret


def _move(ret: ReturnRequest, target: str, *, actor, note: str = "", fields: dict | None = None) -> ReturnRequest:
    """Lock, check the transition, apply the fields and the new status, record the event."""
    ret = _locked(ret)
    workflow.ensure_allowed(ret.status, target)
    workflow.ensure_kind(ret.kind, target, current=ret.status)
    previous = ret.status
    for name, value in (fields or {}).items():
        setattr(ret, name, value)
    ret.status = target
    ret.save(update_fields=["status", "updated_at", *(fields or {})])
    _event(ret, kind=ReturnEvent.Kind.STATUS, actor=actor, note=note, from_status=previous, to_status=target)
    return ret


@transaction.atomic
def return_request_create(
    *,
    order: Order,
    kind: str,
    reason: str,
    items: list[tuple[int, int]],
    actor=None,
    ticket=None,
    description: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    exchange_sku: Sku | None = None,
    exchange_quantity: int = 0,
    photos: list = (),
) -> ReturnRequest:
    """Record an application (申请) for some items of a delivered order; confirmation follows automatically."""
    order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    _order_check_returnable(order)
    lines = _items_validate(order=order, items=items)
    if kind == ReturnRequest.Kind.EXCHANGE:
        _sku_check_stock(exchange_sku, exchange_quantity or sum(q for _line, q in lines))
    customer = order.customer
    ret = ReturnRequest.objects.create(
        number=daily_number(prefix="R"), order=order, customer=customer, ticket=ticket, kind=kind, reason=reason,
        description=description, contact_name=contact_name or customer.name,
        contact_phone=contact_phone or customer.phone, contact_email=contact_email or customer.email,
        exchange_sku=exchange_sku if kind == ReturnRequest.Kind.EXCHANGE else None,
        exchange_quantity=(exchange_quantity or sum(q for _line, q in lines)) if kind == ReturnRequest.Kind.EXCHANGE else 0,
    )
    ReturnItem.objects.bulk_create([ReturnItem(return_request=ret, order_item=line, quantity=q) for line, q in lines])
    for photo in photos:
        ReturnPhoto.objects.create(return_request=ret, file=photo, stage="application")
    _event(ret, kind=ReturnEvent.Kind.STATUS, actor=actor, to_status=S.SUBMITTED, note=description[:200])
    _deadline_start(ret, Step.CONFIRM, ret.created_at)
    _confirm_enqueue(ret)
    return ret


def _confirm_enqueue(ret: ReturnRequest) -> None:
    from orders import tasks

    enqueue_on_commit(tasks.return_request_confirm, return_request_id=ret.pk)


@transaction.atomic
def return_request_confirm(*, return_request_id: int) -> bool:
    """Confirm a submitted application to the customer (24 h step); return whether it happened now."""
    ret = ReturnRequest.objects.select_for_update().filter(pk=return_request_id, status=S.SUBMITTED).first()
    if ret is None:
        return False
    ret = _move(ret, S.CONFIRMED, actor=None)
    _notify(ret, NoticeKind.RETURN_CONFIRMED,
            gettext_lazy("We have received your application %(number)s and will review it shortly."), {"number": ret.number})
    _deadline_meet(ret, Step.CONFIRM)
    return True


@transaction.atomic
def return_request_approve(*, return_request: ReturnRequest, expected_status: str = "", actor, note: str = "") -> ReturnRequest:
    """Approve after review (审核); an exchange reserves the wanted stock, the pickup timer starts."""
    ret = _locked(return_request, expected_status)
    workflow.ensure_allowed(ret.status, S.APPROVED)
    was_submitted = ret.status == S.SUBMITTED
    fields = {}
    if ret.kind == ReturnRequest.Kind.EXCHANGE and not ret.is_stock_reserved:
        reserved = Sku.objects.filter(pk=ret.exchange_sku_id, is_active=True,
                                      stock__gte=F("reserved") + ret.exchange_quantity).update(reserved=F("reserved") + ret.exchange_quantity)
        if not reserved:
            raise ValidationError({"exchange_sku": [_("%(sku)s is out of stock.") % {"sku": ret.exchange_sku.code}]})
        fields["is_stock_reserved"] = True
    ret = _move(ret, S.APPROVED, actor=actor, note=note, fields=fields)
    if was_submitted:
        _notify(ret, NoticeKind.RETURN_CONFIRMED, gettext_lazy("Your application %(number)s has been received."),
                {"number": ret.number})
    _deadline_meet(ret, Step.CONFIRM)
    _notify(ret, NoticeKind.RETURN_APPROVED, gettext_lazy("Your application %(number)s is approved."), {"number": ret.number})
    now = timezone.now()
    _deadline_start(ret, Step.REFUND if ret.kind == ReturnRequest.Kind.REFUND_ONLY else Step.PICKUP, now)
    return ret


@transaction.atomic
def return_request_reject(*, return_request: ReturnRequest, expected_status: str = "", actor, reason: str) -> ReturnRequest:
    """Reject with a reason the customer sees; they may amend and resubmit."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the application is rejected.")]})
    ret = _move(_locked(return_request, expected_status), S.REJECTED, actor=actor, note=reason, fields={"rejection_reason": reason})
    _deadline_meet(ret, Step.CONFIRM)
    _notify(ret, NoticeKind.RETURN_REJECTED,
            gettext_lazy("Your application %(number)s was not approved: %(reason)s You may amend it and submit it again."),
            {"number": ret.number, "reason": reason})
    return ret


@transaction.atomic
def return_request_resubmit(*, return_request: ReturnRequest, expected_status: str = "", actor=None, description: str | None = None,
                            reason: str | None = None, items: list[tuple[int, int]] | None = None) -> ReturnRequest:
    """Amend a rejected application and send it back to review."""
    ret = _locked(return_request, expected_status)
    workflow.ensure_allowed(ret.status, S.SUBMITTED)
    if items is not None:
        lines = _items_validate(order=ret.order, items=items, exclude_id=ret.pk)
        ret.items.all().delete()
        ReturnItem.objects.bulk_create([ReturnItem(return_request=ret, order_item=line, quantity=q) for line, q in lines])
    else:
        _items_validate(order=ret.order, items=list(ret.items.values_list("order_item_id", "quantity")), exclude_id=ret.pk)
    fields = {"rejection_reason": ""}
    if description is not None:
        fields["description"] = description
    if reason is not None:
        fields["reason"] = reason
    ret = _move(ret, S.SUBMITTED, actor=actor, note=description or "", fields=fields)
    _deadline_start(ret, Step.CONFIRM, timezone.now())
    _confirm_enqueue(ret)
    return ret


@transaction.atomic
def return_request_arrange_pickup(*, return_request: ReturnRequest, expected_status: str = "", actor, method: str, carrier=None,
                                  tracking: str = "") -> ReturnRequest:
    """Record the pickup arranged, or that the customer ships it back, with carrier and tracking number."""
    ret = _move(_locked(return_request, expected_status), S.AWAITING_RETURN, actor=actor, note=" ".join(filter(None, [str(carrier or ""), tracking])),
                fields={"return_method": method, "return_carrier": carrier, "return_tracking": tracking})
    _deadline_meet(ret, Step.PICKUP)
    _notify(ret, NoticeKind.RETURN_PICKUP, gettext_lazy("The return shipment of %(number)s is arranged."),
            {"number": ret.number})
    return ret


@transaction.atomic
def return_request_receive(*, return_request: ReturnRequest, expected_status: str = "", actor) -> ReturnRequest:
    """Record the goods received; the inspection and whole-case timers start."""
    now = timezone.now()
    ret = _move(_locked(return_request, expected_status), S.RECEIVED, actor=actor, fields={"received_at": now})
    _deadline_meet(ret, Step.PICKUP)
    _deadline_start(ret, Step.INSPECTION, now)
    _deadline_start(ret, Step.CASE, now)
    return ret


@transaction.atomic
def return_request_inspect(*, return_request: ReturnRequest, expected_status: str = "", actor, passed: bool, notes: str = "", photos: list = ()) -> ReturnRequest:
    """Record the inspection (验收) result and tell the customer; the refund timer starts on a pass."""
    ret = _move(_locked(return_request, expected_status), S.INSPECTED, actor=actor, note=notes,
                fields={"is_inspection_passed": passed, "inspection_notes": notes})
    for photo in photos:
        ReturnPhoto.objects.create(return_request=ret, file=photo, stage="inspection")
    _deadline_meet(ret, Step.INSPECTION)
    if passed:
        _deadline_start(ret, Step.REFUND, timezone.now())
        _notify(ret, NoticeKind.RETURN_INSPECTED, gettext_lazy("The goods of %(number)s passed inspection."),
                {"number": ret.number})
    else:
        _notify(ret, NoticeKind.RETURN_INSPECTED, gettext_lazy("The goods of %(number)s did not pass inspection: %(notes)s"),
                {"number": ret.number, "notes": notes})
    return ret


def _remedy_step_reach(ret: ReturnRequest, actor) -> None:
    """A return linked to a complaint's remedy completed (refunded or exchanged): the complaint's 问题处理 is done."""
    if ret.remedy_id:
        ticket_id = Remedy.objects.values_list("ticket_id", flat=True).get(pk=ret.remedy_id)
        ticket_step_reach(ticket_id=ticket_id, actor=actor, step=TicketStep.Step.EXECUTION, source="return")


@transaction.atomic
def return_request_refund(*, return_request: ReturnRequest, expected_status: str = "", actor, amount: Decimal | None = None) -> ReturnRequest:
    """Refund to the original payment route; above the agent's limit it waits for a supervisor first."""
    ret = _locked(return_request, expected_status)
    if ret.status == S.INSPECTED and ret.is_inspection_passed is False:
        raise ValidationError({"status": [_("The goods failed inspection; close the request instead.")]})
    if amount is None:
        amount = ret.refund_amount if ret.status == S.AWAITING_REFUND_APPROVAL else return_quote(return_request=ret).refund_amount
    if amount < 0:
        raise ValidationError({"amount": [_("The refund cannot be negative.")]})
    may_approve = bool(actor and actor.has_perm("tickets.approve_remedy"))
    if amount > return_policy_active().agent_refund_limit and not may_approve:
        if ret.status == S.AWAITING_REFUND_APPROVAL:
            raise ValidationError({"amount": [_("This refund is above your limit and waits for a supervisor.")]})
        ret = _move(ret, S.AWAITING_REFUND_APPROVAL, actor=actor, note=str(amount), fields={"refund_amount": amount})
        _deadline_start(ret, Step.APPROVAL, timezone.now())
        approval_notify(recipients=return_approvers(ret), ticket=ret.ticket, link=reverse("orders:return_detail", args=[ret.pk]),
                        text=_("%(number)s: %(who)s asks approval of a refund of ¥%(amount)s") % {
                            "number": ret.number, "who": actor, "amount": amount})
        return ret
    approved = ret.status == S.AWAITING_REFUND_APPROVAL
    ret = _move(ret, S.REFUNDED, actor=actor, note=str(amount),
                fields={"refund_amount": amount, "refund_route": ret.order.payment_method or "original"})
    if approved:
        asked = (ret.events.filter(kind=ReturnEvent.Kind.STATUS, to_status=S.AWAITING_REFUND_APPROVAL)
                 .select_related("actor").order_by("-pk").first())
        if asked and asked.actor and asked.actor != actor:
            approval_notify(recipients=[asked.actor], ticket=ret.ticket, decided=True,
                            link=reverse("orders:return_detail", args=[ret.pk]),
                            text=_("%(number)s: %(who)s approved the refund of ¥%(amount)s") % {
                                "number": ret.number, "who": actor, "amount": amount})
    _deadline_meet(ret, Step.REFUND, Step.APPROVAL, Step.CASE)
    _remedy_step_reach(ret, actor)
    _notify(ret, NoticeKind.REFUND_DONE, gettext_lazy("%(amount)s yuan of %(number)s is refunded to your original payment method."),
            {"amount": amount, "number": ret.number})
    return ret


@transaction.atomic
def return_request_ship_exchange(*, return_request: ReturnRequest, expected_status: str = "", actor, carrier, tracking: str) -> ReturnRequest:
    """Ship the replacement from the reserved stock, with carrier and tracking number."""
    if not tracking.strip():
        raise ValidationError({"tracking": [_("Give the tracking number of the replacement.")]})
    ret = _locked(return_request, expected_status)
    if ret.is_inspection_passed is False:
        raise ValidationError({"status": [_("The goods failed inspection; close the request instead.")]})
    qty = ret.exchange_quantity
    ret = _move(ret, S.EXCHANGED, actor=actor, note=f"{carrier} {tracking}",
                fields={"exchange_carrier": carrier, "exchange_tracking": tracking, "is_stock_reserved": False})
    Sku.objects.filter(pk=ret.exchange_sku_id, reserved__gte=qty, stock__gte=qty).update(
        stock=F("stock") - qty, reserved=F("reserved") - qty)
    _deadline_meet(ret, Step.REFUND, Step.CASE)
    _remedy_step_reach(ret, actor)
    _notify(ret, NoticeKind.EXCHANGE_SHIPPED, gettext_lazy("The replacement for %(number)s is on its way: %(carrier)s %(tracking)s"), {
        "number": ret.number, "carrier": carrier, "tracking": tracking})
    return ret


@transaction.atomic
def return_request_close(*, return_request: ReturnRequest, expected_status: str = "", actor, note: str = "") -> ReturnRequest:
    """Close the case (后续跟进 follows: confirmation, survey, follow-up visit)."""
    ret = _move(_locked(return_request, expected_status), S.CLOSED, actor=actor, note=note, fields={"closed_at": timezone.now()})
    _deadline_meet(ret, Step.CASE)
    _notify(ret, NoticeKind.RETURN_CLOSED, gettext_lazy("Your after-sales case %(number)s is closed. Thank you."),
            {"number": ret.number})
    return ret


@transaction.atomic
def return_request_cancel(*, return_request: ReturnRequest, expected_status: str = "", actor=None, reason: str = "") -> ReturnRequest:
    """Cancel before the goods are received; reserved exchange stock is released."""
    ret = _locked(return_request, expected_status)
    was_reserved = ret.is_stock_reserved
    ret = _move(ret, S.CANCELLED, actor=actor, note=reason, fields={"is_stock_reserved": False, "closed_at": timezone.now()})
    if was_reserved:
        Sku.objects.filter(pk=ret.exchange_sku_id, reserved__gte=ret.exchange_quantity).update(
            reserved=F("reserved") - ret.exchange_quantity)
    return ret


@transaction.atomic
def return_request_extend(*, return_request: ReturnRequest, actor, step: str, days: int, reason: str) -> ReturnDeadline:
    """Extend a step deadline for force majeure (不可抗力) by business days, with the reason, and tell the customer."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Record the force-majeure reason.")]})
    if days < 1:
        raise ValidationError({"days": [_("Extend by at least one business day.")]})
    ret = _locked(return_request)
    deadline = ReturnDeadline.objects.select_for_update().filter(return_request=ret, step=step, met_at__isnull=True).first()
    if deadline is None or ret.status not in workflow.OPEN_STATES:
        raise workflow.TransitionError(_("There is no open deadline for this step."))
    policy = return_policy_active()
    base = deadline.due_at or timezone.now()
    deadline.due_at = deadlines.business_days_after(policy, base, days)
    deadline.warn_at = deadlines.step_warn_at(deadline.started_at, deadline.due_at)
    deadline.breached_at = deadline.warned_at = None
    deadline.extended_days += days
    deadline.is_provisional = deadlines.step_is_provisional(policy, step, deadline.started_at, deadline.due_at)
    deadline.extension_reason = "\n".join(filter(None, [deadline.extension_reason, reason]))
    deadline.save(update_fields=["due_at", "warn_at", "breached_at", "warned_at", "extended_days", "is_provisional",
                                 "extension_reason"])
    _event(ret, kind=ReturnEvent.Kind.EXTENDED, actor=actor, note=f"{Step(step).label} +{days}: {reason}")
    _notify(ret, NoticeKind.DEADLINE_EXTENDED,
            gettext_lazy("Because of %(reason)s, the step “%(step)s” of %(number)s may take %(days)d more business day(s)."), {
        "reason": reason, "step": Step(step).label, "number": ret.number, "days": days})
    return deadline


@transaction.atomic
def return_photo_add(*, return_request: ReturnRequest, actor, upload, stage: str = "application") -> ReturnPhoto:
    """Attach a photo (evidence or inspection) to a request after checking its type and size; record it."""
    from orders.photos import MAX_PHOTOS_PER_REQUEST, STAGES, photo_validate

    if stage not in STAGES:
        raise ValidationError({"stage": [_("Choose application or inspection.")]})
    content_type = photo_validate(upload)
    ret = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if ret.status not in workflow.OPEN_STATES:
        raise workflow.TransitionError(_("The request is closed; no more photos."))
    if ret.photos.count() >= MAX_PHOTOS_PER_REQUEST:
        raise ValidationError({"file": [_("At most %(n)d photos per request.") % {"n": MAX_PHOTOS_PER_REQUEST}]})
    photo = ReturnPhoto.objects.create(return_request=ret, file=upload, stage=stage, content_type=content_type,
                                       size=upload.size, uploaded_by=actor if getattr(actor, "pk", None) else None)
    _event(ret, kind=ReturnEvent.Kind.NOTE, actor=actor, note=_("Photo added (%(stage)s)") % {"stage": stage}, is_public=False)
    return photo


def return_deadlines_recompute_for_calendar_year(*, calendar_id: int, year: int, reason: str,
                                                progress=None) -> dict[str, int]:
    """Recompute the open step deadlines counted on the calendar that read ``year``; record each shift on its return.

    A warning or breach already recorded stays recorded (never given twice); a deadline moved into the past
    is breached by the next sweep, once. ``progress(checked=…, shifted=…, total=…)`` is called per batch.
    """
    policy = return_policy_active()
    calendar = deadlines.policy_calendar(policy)
    if calendar is None or calendar.pk != calendar_id:
        return {"checked": 0, "shifted": 0, "total": 0}
    year_start = timezone.make_aware(dt.datetime(year, 1, 1), ZoneInfo(calendar.timezone))
    return_ids = sorted(set(
        ReturnDeadline.objects.filter(met_at__isnull=True, return_request__status__in=workflow.OPEN_STATES)
        .exclude(step=Step.CONFIRM).filter(Q(is_provisional=True) | Q(due_at__gte=year_start))
        .values_list("return_request_id", flat=True)
    ))
    return calendar_recompute_each(
        return_ids, lambda pk: _return_deadlines_recompute(return_id=pk, policy=policy, reason=reason), progress)


@transaction.atomic
def _return_deadlines_recompute(*, return_id: int, policy, reason: str) -> int:
    """Recompute one return's open step deadlines; return how many moved."""
    ret = ReturnRequest.objects.select_for_update().filter(pk=return_id, status__in=workflow.OPEN_STATES).first()
    if ret is None:
        return 0
    moved = 0
    for deadline in ReturnDeadline.objects.select_for_update().filter(return_request=ret, met_at__isnull=True).exclude(
            step=Step.CONFIRM).order_by("pk"):
        due = deadlines.step_due_at(policy, deadline.step, deadline.started_at, deadline.extended_days)
        provisional = deadlines.step_is_provisional(policy, deadline.step, deadline.started_at, due)
        if due == deadline.due_at and provisional == deadline.is_provisional:
            continue
        old = deadline.due_at
        deadline.due_at, deadline.is_provisional = due, provisional
        deadline.warn_at = deadlines.step_warn_at(deadline.started_at, due)
        deadline.save(update_fields=["due_at", "warn_at", "is_provisional"])
        if due != old:
            moved += 1
            _event(ret, kind=ReturnEvent.Kind.RECOMPUTED, is_public=False, note=_(
                "%(step)s: due %(old)s → %(new)s (%(reason)s)") % {
                "step": Step(deadline.step).label, "old": instant_text(old), "new": instant_text(due), "reason": reason})
    return moved



def return_deadline_mark_warned(*, deadline_id: int) -> bool:
    """Warn that an open step is close to its deadline; repeat-safe (only an open, unwarned, due warning changes).

    Recorded as an internal event on the request; the agent of the request's ticket (or the ticket team's
    supervisor) gets an in-app notification.
    """
    now = timezone.now()
    with transaction.atomic():
        changed = ReturnDeadline.objects.filter(pk=deadline_id, met_at__isnull=True, breached_at__isnull=True,
                                                warned_at__isnull=True, warn_at__lte=now).update(warned_at=now)
        if not changed:
            return False
        deadline = ReturnDeadline.objects.select_related("return_request__ticket__team").get(pk=deadline_id)
        ret = deadline.return_request
        label = Step(deadline.step).label
        _event(ret, kind=ReturnEvent.Kind.WARNING, note=label, is_public=False)
        ticket = ret.ticket
        recipient_id = ticket and (ticket.assignee_id or (ticket.team.supervisor_id if ticket.team_id else None))
        if recipient_id:
            Notification.objects.get_or_create(
                dedupe_key=f"return-warn:{deadline.pk}:{int(deadline.due_at.timestamp()) if deadline.due_at else 0}",
                defaults={"recipient_id": recipient_id, "ticket": ticket, "kind": Notification.Kind.SLA_WARNING,
                          "text": (_("Return %(number)s: “%(step)s” is due at %(due)s") % {
                              "number": ret.number, "step": label,
                              "due": timezone.localtime(deadline.due_at).strftime("%m-%d %H:%M") if deadline.due_at else "—"})[:255]})
    return True


def return_deadline_mark_breached(*, deadline_id: int) -> bool:
    """Mark one due timer breached; repeat-safe (only an open, overdue timer changes)."""
    now = timezone.now()
    with transaction.atomic():
        changed = ReturnDeadline.objects.filter(pk=deadline_id, met_at__isnull=True, breached_at__isnull=True,
                                                due_at__lte=now).update(breached_at=now)
        if changed:
            deadline = ReturnDeadline.objects.select_related("return_request").get(pk=deadline_id)
            _event(deadline.return_request, kind=ReturnEvent.Kind.BREACHED, note=Step(deadline.step).label, is_public=False)
    return bool(changed)


def _team_for_order(order: Order, actor):
    """Return the team a ticket about this order goes to: the actor's team serving the shop, else the actor's first."""
    mine = team_ids_for_user(user=actor) if actor is not None else []
    serving = list(ShopTeam.objects.filter(shop=order.shop).values_list("team_id", flat=True)) if order.shop else []
    for team_id in [*(t for t in serving if t in mine), *mine, *serving]:
        team = Team.objects.filter(pk=team_id, is_active=True).first()
        if team is not None:
            return team
    team = Team.objects.filter(is_active=True).order_by("pk").first()
    if team is None:
        raise ValidationError({"team": [_("No team can take the ticket.")]})
    return team


@transaction.atomic
def order_ticket_open(*, order: Order, actor, subject: str, description: str = "", kind: str = "order_issue",
                      channel: str = "phone", team=None):
    """Open a ticket about an order (关于订单的工单) for its customer, linked to the order."""
    if not subject.strip():
        raise ValidationError({"subject": [_("Give the ticket a subject.")]})
    return ticket_create(actor=actor, customer=order.customer, team=team or _team_for_order(order, actor),
                         subject=subject.strip(), description=description, kind=kind, channel=channel, order=order)


def return_request_for_remedy(*, remedy, actor) -> ReturnRequest | None:
    """Hand a refund/exchange remedy agreed on a ticket over to the returns flow: link an open request or start one.

    Runs in the caller's transaction (the remedy's agreement). The link is recorded on both sides: the
    request's ``remedy`` and an event, and a note in the ticket's history. When the order cannot take a
    return (not delivered, nothing left to return, exchange out of stock) the ticket says why and no
    request is made; the agreement itself stands.
    """
    ticket = remedy.ticket
    if remedy.kind not in (Remedy.Kind.REFUND, Remedy.Kind.EXCHANGE) or not ticket.order_id:
        return None
    existing = ReturnRequest.objects.filter(remedy=remedy).first()
    if existing is not None:
        return existing
    ret = (ReturnRequest.objects.select_for_update().filter(order_id=ticket.order_id, remedy__isnull=True,
                                                            status__in=workflow.OPEN_STATES)
           .order_by("-created_at").first())
    if ret is not None:
        ret.remedy = remedy
        fields = ["remedy", "updated_at"]
        if ret.ticket_id is None:
            ret.ticket = ticket
            fields.append("ticket")
        ret.save(update_fields=fields)
        _event(ret, kind=ReturnEvent.Kind.NOTE, actor=actor, is_public=False,
               note=_("Linked to the remedy “%(remedy)s” of ticket %(ticket)s") % {"remedy": remedy, "ticket": ticket.number})
        note = _("Remedy handed over to the existing return %(number)s") % {"number": ret.number}
    else:
        order = ticket.order
        returned = dict(ReturnItem.objects.filter(order_item__order=order, return_request__status__in=workflow.COUNTED_STATES)
                        .values("order_item").annotate(n=Sum("quantity")).values_list("order_item", "n"))
        items = [(line.pk, line.quantity - returned.get(line.pk, 0)) for line in order.items.all()
                 if line.quantity - returned.get(line.pk, 0) > 0]
        kind = ReturnRequest.Kind.EXCHANGE if remedy.kind == Remedy.Kind.EXCHANGE else ReturnRequest.Kind.REFUND_ONLY
        sku = None
        if kind == ReturnRequest.Kind.EXCHANGE and items:
            first = next(line for line in order.items.all() if line.pk == items[0][0])
            sku = Sku.objects.filter(code=first.sku).first()
        try:
            with transaction.atomic():
                ret = return_request_create(
                    order=order, kind=kind, reason=ReturnRequest.Reason.QUALITY if ticket.kind == "complaint" else ReturnRequest.Reason.OTHER,
                    items=items, actor=actor, ticket=ticket, exchange_sku=sku,
                    exchange_quantity=sum(q for _pk, q in items) if sku else 0,
                    description=_("From the remedy “%(remedy)s” of ticket %(ticket)s") % {"remedy": remedy, "ticket": ticket.number})
                ret.remedy = remedy
                ret.save(update_fields=["remedy"])
        except ValidationError as exc:
            TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.NOTE, actor=actor,
                                       note=_("No return started for the remedy: %(why)s") % {"why": " ".join(exc.messages)})
            return None
        note = _("Remedy handed over to the new return %(number)s") % {"number": ret.number}
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.NOTE, actor=actor, note=note, to_value=ret.number)
    return ret
