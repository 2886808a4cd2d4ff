"""Archive review (建档评审) as a pure state machine: submit, then approve or reject; resubmit after either."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NONE, PENDING, APPROVED, REJECTED = "none", "pending", "approved", "rejected"

TRANSITIONS: dict[str, set[str]] = {
    NONE: {PENDING},
    PENDING: {APPROVED, REJECTED},
    APPROVED: {PENDING},
    REJECTED: {PENDING},
}


def ensure_allowed(current: str, target: str) -> None:
    """Raise ValidationError unless the review may move from current to target."""
    if target not in TRANSITIONS.get(current, set()):
        raise ValidationError(
            _("An archive in review state “%(current)s” cannot move to “%(target)s”.") % {"current": current, "target": target},
            code="invalid_transition",
        )


# Follow-up visits (回访): a visit to do is done, skipped or cancelled once; a no-answer keeps it to do.
VISIT_PENDING, VISIT_DONE, VISIT_SKIPPED, VISIT_CANCELLED = "pending", "done", "skipped", "cancelled"

VISIT_TRANSITIONS: dict[str, set[str]] = {
    VISIT_PENDING: {VISIT_PENDING, VISIT_DONE, VISIT_SKIPPED, VISIT_CANCELLED},
    VISIT_DONE: set(),
    VISIT_SKIPPED: set(),
    VISIT_CANCELLED: set(),
}


class VisitConflict(Exception):
    """The visit is no longer in a state that allows this step (the API answers 409)."""


def visit_ensure_allowed(current: str, target: str) -> None:
    """Raise VisitConflict unless a visit may move from current to target."""
    if target not in VISIT_TRANSITIONS.get(current, set()):
        raise VisitConflict(_("This follow-up visit is already closed (%(status)s).") % {"status": current})
