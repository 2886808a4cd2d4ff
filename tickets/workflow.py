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


ON_TIME, WARNING, OVERDUE = "on_time", "warning", "overdue"
STEP_STATES = (ON_TIME, WARNING, OVERDUE)


class StepUnknown(ServiceError):
    """A step name that is not one of the seven complaint steps (400 on ``step``)."""

    field = "step"

    def __init__(self, step: str):
        super().__init__(_("Unknown step %(step)s; use one of: %(steps)s.") % {"step": step, "steps": ", ".join(STEPS)})


def step_ensure_known(step: str) -> None:
    """Raise a 400 on ``step`` unless it is one of the seven steps."""
    if step not in STEPS:
        raise StepUnknown(step)


def step_state(*, due_at, warning_at, completed_at, now) -> str | None:
    """Return on_time, warning or overdue for a step with a deadline, None without one.

    A completed step is overdue when it was completed after its deadline; an open one when the
    deadline has passed, and in warning once its warning point has.
    """
    if due_at is None:
        return None
    if completed_at is not None:
        return OVERDUE if completed_at > due_at else ON_TIME
    if now >= due_at:
        return OVERDUE
    if warning_at is not None and now >= warning_at:
        return WARNING
    return ON_TIME


def complaint_progress(*, completions: dict, deadlines: dict, now, is_active: bool = True) -> list[dict]:
    """Return the seven steps in order, each with its completion, its deadline and its state.

    ``completions`` maps a step to an object with ``completed_at``, ``completed_by``, ``note`` and
    ``source``; ``deadlines`` maps a step to one with ``due_at``, ``warning_at``, ``breached_at`` and
    ``is_provisional``.
    The current step is the first one not done, while the ticket is active.
    """
    rows, current_found = [], False
    for step in STEPS:
        done = completions.get(step)
        deadline = deadlines.get(step)
        due_at = deadline.due_at if deadline else None
        is_current = done is None and is_active and not current_found
        current_found = current_found or is_current
        rows.append({
            "step": step,
            "done": done is not None,
            "current": is_current,
            "completed_at": done.completed_at if done else None,
            "actor": done.completed_by if done else None,
            "note": done.note if done else "",
            "is_explicit": bool(done) and not done.source,
            "due_at": due_at,
            "warning_at": deadline.warning_at if deadline else None,
            "breached_at": deadline.breached_at if deadline else None,
            "is_provisional": bool(deadline and deadline.is_provisional),
            "state": step_state(due_at=due_at, warning_at=deadline.warning_at if deadline else None,
                                completed_at=done.completed_at if done else None, now=now),
        })
    return rows
