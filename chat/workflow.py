"""The chat session state machine: waiting → active → ended (active may return to waiting)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WAITING, ACTIVE, ENDED = "waiting", "active", "ended"

TRANSITIONS = {
    WAITING: {ACTIVE, ENDED},
    ACTIVE: {WAITING, ENDED, ACTIVE},  # active → active: transferred to another agent
    ENDED: set(),
}


def can_move(current: str, target: str) -> bool:
    """Return whether a chat may move from ``current`` to ``target``."""
    return target in TRANSITIONS.get(current, set())


def ensure_allowed(current: str, target: str) -> None:
    """Raise ValidationError unless the chat may move from ``current`` to ``target``."""
    if not can_move(current, target):
        raise ValidationError({"status": [_("This chat has already ended.") if current == ENDED
                                          else _("A chat cannot move from %(a)s to %(b)s.") % {"a": current, "b": target}]})
