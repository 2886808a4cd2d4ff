from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders import services, tasks, workflow
from orders.models import Order, ReturnDeadline, ReturnEvent, ReturnRequest, Sku
from tests.factories import SkuFactory, TicketFactory, UserFactory
from tests.factories.orders import delivered_order
from tickets.models import TicketMessage

S = ReturnRequest.Status
pytestmark = pytest.mark.django_db


def apply(order, *, quantity=1, kind=ReturnRequest.Kind.RETURN, reason=ReturnRequest.Reason.NO_REASON, **kwargs):
    line = order.items.first()
    return services.return_request_create(order=order, kind=kind, reason=reason, items=[(line.pk, quantity)], **kwargs)


def test_application_is_confirmed_automatically_and_the_customer_told(django_capture_on_commit_callbacks):
    order = delivered_order()
    with django_capture_on_commit_callbacks() as callbacks:
        ret = apply(order)
    assert ret.status == S.SUBMITTED and ret.number.startswith("R") and len(callbacks) == 1
    assert tasks.return_request_confirm(return_request_id=ret.pk) is True
    assert tasks.return_request_confirm(return_request_id=ret.pk) is False  # a second delivery changes nothing
    ret.refresh_from_db()
    assert ret.status == S.CONFIRMED
    assert ret.events.filter(kind=ReturnEvent.Kind.NOTIFIED).count() == 1
    confirm = ret.deadlines.get(step=ReturnDeadline.Step.CONFIRM)
    assert confirm.met_at is not None and (confirm.due_at - confirm.started_at).total_seconds() == 24 * 3600


def test_returning_more_than_bought_counting_earlier_returns_is_refused():
    order = delivered_order(lines=((2, "50.00"),))
    apply(order, quantity=1)
    with pytest.raises(ValidationError) as error:
        apply(order, quantity=2)
    assert "只有 1 件还可退" in str(error.value.message_dict["items"])


def test_cancelled_return_frees_its_quantity():
    order = delivered_order(lines=((1, "50.00"),))
    services.return_request_cancel(return_request=apply(order), reason="不要了")
    assert apply(order).status == S.SUBMITTED


@pytest.mark.parametrize(("status", "text"), [(Order.Status.SHIPPED, "尚未签收"), (Order.Status.CANCELLED, "已取消")])
def test_return_on_undelivered_or_cancelled_order_is_refused_with_the_reason(status, text):
    order = delivered_order()
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        apply(order)
    assert text in str(error.value.message_dict["order"])


def test_exchange_for_an_sku_out_of_stock_is_refused():
    sku = SkuFactory(stock=1, reserved=1)
    with pytest.raises(ValidationError) as error:
        apply(delivered_order(), kind=ReturnRequest.Kind.EXCHANGE, exchange_sku=sku, exchange_quantity=1)
    assert "库存不足" in str(error.value.message_dict["exchange_sku"])


def test_whole_return_flow_records_each_step_and_meets_the_deadlines(agent):
    order = delivered_order(lines=((1, "199.00"),))
    ret = apply(order)
    ret = services.return_request_approve(return_request=ret, actor=agent)
    ret = services.return_request_arrange_pickup(return_request=ret, actor=agent, method="pickup", tracking="SF123")
    ret = services.return_request_receive(return_request=ret, actor=agent)
    ret = services.return_request_inspect(return_request=ret, actor=agent, passed=True, notes="完好")
    ret = services.return_request_refund(return_request=ret, actor=agent)
    assert ret.status == S.REFUNDED and ret.refund_amount == Decimal("187.00")  # 199 − 12 return shipping
    assert ret.refund_route == "alipay"
    ret = services.return_request_close(return_request=ret, actor=agent)
    statuses = list(ret.events.filter(kind=ReturnEvent.Kind.STATUS).values_list("to_status", flat=True))
    assert statuses == [S.SUBMITTED, S.APPROVED, S.AWAITING_RETURN, S.RECEIVED, S.INSPECTED, S.REFUNDED, S.CLOSED]
    assert not ret.deadlines.filter(met_at__isnull=True).exists()
    assert set(ret.deadlines.values_list("step", flat=True)) == {"confirm", "pickup", "inspection", "refund", "case"}


def test_rejected_application_can_be_amended_and_resubmitted(agent):
    ret = apply(delivered_order())
    ret = services.return_request_reject(return_request=ret, actor=agent, reason="照片不清晰。")
    assert ret.status == S.REJECTED and "照片不清晰" in ret.events.filter(kind="notified").last().note
    ret = services.return_request_resubmit(return_request=ret, description="补充了清晰照片")
    assert ret.status == S.SUBMITTED and ret.rejection_reason == ""


def test_reject_needs_a_reason(agent):
    with pytest.raises(ValidationError):
        services.return_request_reject(return_request=apply(delivered_order()), actor=agent, reason=" ")


def test_refund_above_the_agent_limit_waits_for_a_supervisor(agent, supervisor):
    order = delivered_order(lines=((1, "1299.00"),))
    ret = services.return_request_approve(return_request=apply(order, reason="quality"), actor=agent)
    ret = services.return_request_arrange_pickup(return_request=ret, actor=agent, method="customer_ships")
    ret = services.return_request_receive(return_request=ret, actor=agent)
    ret = services.return_request_inspect(return_request=ret, actor=agent, passed=True)
    ret = services.return_request_refund(return_request=ret, actor=agent)
    assert ret.status == S.AWAITING_REFUND_APPROVAL
    assert ret.deadlines.get(step="approval").due_at is not None
    with pytest.raises(ValidationError):
        services.return_request_refund(return_request=ret, actor=agent)
    ret = services.return_request_refund(return_request=ret, actor=supervisor)
    assert ret.status == S.REFUNDED and ret.refund_amount == Decimal("1299.00")


def test_exchange_reserves_stock_at_approval_and_takes_it_when_shipped(agent):
    sku = SkuFactory(stock=2)
    ret = apply(delivered_order(), kind=ReturnRequest.Kind.EXCHANGE, reason="wrong_item", exchange_sku=sku, exchange_quantity=1)
    ret = services.return_request_approve(return_request=ret, actor=agent)
    sku.refresh_from_db()
    assert (sku.stock, sku.reserved) == (2, 1)
    ret = services.return_request_arrange_pickup(return_request=ret, actor=agent, method="pickup")
    ret = services.return_request_receive(return_request=ret, actor=agent)
    ret = services.return_request_inspect(return_request=ret, actor=agent, passed=True)
    with pytest.raises(workflow.GuardError):
        services.return_request_refund(return_request=ret, actor=agent)
    ret = services.return_request_ship_exchange(return_request=ret, actor=agent, carrier=None, tracking="SF999")
    sku.refresh_from_db()
    assert ret.status == S.EXCHANGED and (sku.stock, sku.reserved) == (1, 0)


def test_cancelling_an_approved_exchange_releases_the_stock(agent):
    sku = SkuFactory(stock=1)
    ret = apply(delivered_order(), kind=ReturnRequest.Kind.EXCHANGE, exchange_sku=sku, exchange_quantity=1)
    ret = services.return_request_approve(return_request=ret, actor=agent)
    services.return_request_cancel(return_request=ret, reason="不换了")
    assert Sku.objects.get(pk=sku.pk).reserved == 0


def test_cancel_after_receipt_is_a_conflict(agent):
    ret = services.return_request_approve(return_request=apply(delivered_order()), actor=agent)
    ret = services.return_request_arrange_pickup(return_request=ret, actor=agent, method="pickup")
    ret = services.return_request_receive(return_request=ret, actor=agent)
    with pytest.raises(workflow.TransitionError):
        services.return_request_cancel(return_request=ret)


def test_return_from_a_ticket_appears_in_the_ticket_thread(agent):
    order = delivered_order()
    ticket = TicketFactory(customer=order.customer, order=order)
    ret = apply(order, ticket=ticket, actor=agent)
    services.return_request_approve(return_request=ret, actor=agent)
    notes = list(TicketMessage.objects.filter(ticket=ticket, sender=TicketMessage.Sender.SYSTEM).values_list("body", flat=True))
    assert all(note.startswith(f"退换货 {ret.number}") for note in notes)
    assert any("已批准" in note or "已同意" in note for note in notes)
    assert ret.ticket_id == ticket.pk and len(notes) >= 3


def test_force_majeure_extension_moves_the_deadline_and_tells_the_customer(agent):
    supervisor = UserFactory(role="Supervisor")
    ret = services.return_request_approve(return_request=apply(delivered_order()), actor=agent)
    pickup = ret.deadlines.get(step="pickup")
    deadline = services.return_request_extend(return_request=ret, actor=supervisor, step="pickup", days=2, reason="台风停运")
    assert deadline.due_at > pickup.due_at and "台风停运" in deadline.extension_reason
    assert ret.events.filter(kind=ReturnEvent.Kind.EXTENDED).exists()
    assert "台风停运" in ret.events.filter(kind=ReturnEvent.Kind.NOTIFIED).last().note
