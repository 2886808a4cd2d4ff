"""The ticket state machine and the seven complaint steps (投诉处理流程): pure, no database."""

from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError

NEW, OPEN, PENDING_CUSTOMER, PENDING_INTERNAL = "new", "open", "pending_customer", "pending_internal"
AWAITING_APPROVAL, RESOLVED, CLOSED = "awaiting_approval", "resolved", "closed"

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({OPEN, PENDING_CUSTOMER, PENDING_INTERNAL, RESOLVED, CLOSED}),
    OPEN: frozenset({PENDING_CUSTOMER, PENDING_INTERNAL, AWAITING_APPROVAL, RESOLVED, CLOSED}),
    PENDING_CUSTOMER: frozenset({OPEN, PENDING_INTERNAL, RESOLVED, CLOSED}),
    PENDING_INTERNAL: frozenset({OPEN, PENDING_CUSTOMER, RESOLVED, CLOSED}),
    AWAITING_APPROVAL: frozenset({OPEN, CLOSED}),
    RESOLVED: frozenset({OPEN, CLOSED}),
    CLOSED: frozenset(),
}

# Statuses in which a ticket still needs someone's work.
ACTIVE = frozenset({NEW, OPEN, PENDING_CUSTOMER, PENDING_INTERNAL, AWAITING_APPROVAL})

# The seven complaint steps of DOMAIN.md §3, in order.
STEPS = ("intake", "classification", "investigation", "solution", "agreement", "execution", "feedback")


class TransitionNotAllowed(ServiceError):
    """A status change the state machine does not allow; a 400 on ``status`` that names the allowed targets."""

    field = "status"

    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        self.allowed = sorted(TRANSITIONS.get(current, ()))
        allowed = ", ".join(self.allowed) or _("none")
        super().__init__(
            _("Cannot change status from %(current)s to %(target)s; allowed: %(allowed)s.")
            % {"current": current, "target": target, "allowed": allowed}
        )

    def extra(self) -> dict:
        """Name the allowed statuses."""
        return {"allowed": self.allowed}


def allowed_targets(current: str) -> list[str]:
    """Return the statuses a ticket in ``current`` may move to, sorted."""
    return sorted(TRANSITIONS.get(current, ()))


def ensure_allowed(current: str, target: str) -> None:
    """Raise TransitionNotAllowed unless ``current`` → ``target`` is an allowed change."""
    if target not in TRANSITIONS.get(current, ()):
        raise TransitionNotAllowed(current, target)


def is_active(status: str) -> bool:
    """Return whether a ticket in this status still needs work."""
    return status in ACTIVE


def step_of_event(kind: str, to_value: str = "") -> str | None:
    """Return the complaint step an event marks as reached, or None."""
    if kind == "created":
        return "intake"
    if kind == "category":
        return "classification"
    if kind == "task" or (kind == "status" and to_value == PENDING_INTERNAL):
        return "investigation"
    if kind == "remedy":
        return "solution"
    if kind == "remedy_agreed":
        return "agreement"
    if kind == "remedy_done":
        return "execution"
    if kind == "status" and to_value in (RESOLVED, CLOSED):
        return "feedback"
    return None


def complaint_progress(events) -> list[dict]:
    """Return the seven steps, each with the first event (time, actor) that reached it, or None.

    ``events`` are objects with ``kind``, ``to_value``, ``created_at`` and ``actor``, oldest first.
    """
    reached: dict[str, object] = {}
    for event in events:
        step = step_of_event(event.kind, event.to_value)
        if step and step not in reached:
            reached[step] = event
    return [{"step": step, "event": reached.get(step), "done": step in reached} for step in STEPS]
