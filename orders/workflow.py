"""The return/exchange state machine (退换货流程): states, allowed transitions and guards, no database."""

from django.utils.translation import gettext_lazy as _

from helpdesk.errors import Conflict, ServiceError
from orders.models import ReturnRequest

S = ReturnRequest.Status
K = ReturnRequest.Kind

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.CONFIRMED, S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.REJECTED: frozenset({S.SUBMITTED, S.CANCELLED}),  # the customer amends and resubmits
    S.APPROVED: frozenset({S.AWAITING_RETURN, S.REFUNDED, S.AWAITING_REFUND_APPROVAL, S.CANCELLED}),
    S.AWAITING_RETURN: frozenset({S.RECEIVED, S.CANCELLED}),
    S.RECEIVED: frozenset({S.INSPECTED}),
    S.INSPECTED: frozenset({S.REFUNDED, S.AWAITING_REFUND_APPROVAL, S.EXCHANGED, S.CLOSED}),
    S.AWAITING_REFUND_APPROVAL: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset({S.CLOSED}),
    S.EXCHANGED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

# The customer may cancel only before the goods are received.
CANCELLABLE = frozenset(status for status, targets in TRANSITIONS.items() if S.CANCELLED in targets)
OPEN_STATES = frozenset(status for status, targets in TRANSITIONS.items() if targets)
# Requests whose items count against what may still be returned.
COUNTED_STATES = frozenset(set(S.values) - {S.REJECTED, S.CANCELLED})


class TransitionError(Conflict):
    """The request is not in a state that allows this step (409)."""


class GuardError(ServiceError):
    """The step is not allowed for this kind of request or with this input (400)."""


def ensure_allowed(current: str, target: str) -> None:
    """Raise TransitionError unless the state machine allows current → target."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise TransitionError(
            _("A request that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(target).label}
        )


def ensure_kind(kind: str, target: str, *, current: str = "") -> None:
    """Raise GuardError when the step does not fit the kind: refunds for returns, shipments for exchanges."""
    if target == S.EXCHANGED and kind != K.EXCHANGE:
        raise GuardError(_("Only an exchange ships a replacement."))
    if target in {S.REFUNDED, S.AWAITING_REFUND_APPROVAL} and kind == K.EXCHANGE:
        raise GuardError(_("An exchange is completed by shipping the replacement, not by a refund."))
    if target == S.AWAITING_RETURN and kind == K.REFUND_ONLY:
        raise GuardError(_("A refund-only request has nothing to send back."))
    if current == S.APPROVED and target in {S.REFUNDED, S.AWAITING_REFUND_APPROVAL} and kind != K.REFUND_ONLY:
        raise GuardError(_("The goods must be received and inspected before the refund."))


def timeline_steps(kind: str) -> list[str]:
    """Return the happy-path states the customer's timeline shows for a kind of request."""
    middle = [] if kind == K.REFUND_ONLY else [S.AWAITING_RETURN, S.RECEIVED, S.INSPECTED]
    last = S.EXCHANGED if kind == K.EXCHANGE else S.REFUNDED
    return [S.SUBMITTED, S.CONFIRMED, S.APPROVED, *middle, last, S.CLOSED]
