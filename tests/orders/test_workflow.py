import pytest

from orders import workflow
from orders.models import ReturnRequest

S = ReturnRequest.Status
K = ReturnRequest.Kind


@pytest.mark.parametrize(("current", "target"), [
    (S.SUBMITTED, S.CONFIRMED), (S.CONFIRMED, S.APPROVED), (S.CONFIRMED, S.REJECTED), (S.REJECTED, S.SUBMITTED),
    (S.APPROVED, S.AWAITING_RETURN), (S.AWAITING_RETURN, S.RECEIVED), (S.RECEIVED, S.INSPECTED),
    (S.INSPECTED, S.REFUNDED), (S.INSPECTED, S.EXCHANGED), (S.INSPECTED, S.CLOSED), (S.REFUNDED, S.CLOSED),
    (S.AWAITING_RETURN, S.CANCELLED), (S.INSPECTED, S.AWAITING_REFUND_APPROVAL), (S.AWAITING_REFUND_APPROVAL, S.REFUNDED),
])
def test_happy_path_transitions_are_allowed(current, target):
    workflow.ensure_allowed(current, target)


@pytest.mark.parametrize(("current", "target"), [
    (S.RECEIVED, S.CANCELLED), (S.CLOSED, S.SUBMITTED), (S.CANCELLED, S.APPROVED), (S.SUBMITTED, S.REFUNDED),
    (S.APPROVED, S.RECEIVED), (S.REFUNDED, S.EXCHANGED),
])
def test_other_transitions_are_refused(current, target):
    with pytest.raises(workflow.TransitionError):
        workflow.ensure_allowed(current, target)


def test_customer_cannot_cancel_after_receipt():
    assert S.RECEIVED not in workflow.CANCELLABLE and S.AWAITING_RETURN in workflow.CANCELLABLE


def test_every_state_is_in_the_map():
    assert set(workflow.TRANSITIONS) == set(S.values)


@pytest.mark.parametrize(("kind", "current", "target"), [
    (K.RETURN, S.INSPECTED, S.EXCHANGED), (K.EXCHANGE, S.INSPECTED, S.REFUNDED),
    (K.REFUND_ONLY, S.APPROVED, S.AWAITING_RETURN), (K.RETURN, S.APPROVED, S.REFUNDED),
])
def test_kind_guards(kind, current, target):
    with pytest.raises(workflow.GuardError):
        workflow.ensure_kind(kind, target, current=current)


def test_refund_only_may_be_refunded_at_approval():
    workflow.ensure_kind(K.REFUND_ONLY, S.REFUNDED, current=S.APPROVED)


def test_timeline_steps_per_kind():
    assert workflow.timeline_steps(K.REFUND_ONLY) == [S.SUBMITTED, S.CONFIRMED, S.APPROVED, S.REFUNDED, S.CLOSED]
    assert S.EXCHANGED in workflow.timeline_steps(K.EXCHANGE)
