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

