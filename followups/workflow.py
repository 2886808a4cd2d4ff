"""Follow-up visits (回访) as a pure state machine: a visit to do is done, skipped or cancelled once.

A call without an answer keeps the visit to do (pending → pending) until the attempts run out.
"""

from django.utils.translation import gettext as _

from helpdesk.errors import Conflict

PENDING, DONE, SKIPPED, CANCELLED = "pending", "done", "skipped", "cancelled"

TRANSITIONS: dict[str, set[str]] = {
    PENDING: {PENDING, DONE, SKIPPED, CANCELLED},
    DONE: set(),
    SKIPPED: set(),
    CANCELLED: set(),
}


class VisitConflict(Conflict):
    """The visit is no longer in a state that allows this step (409)."""


def ensure_allowed(current: str, target: str) -> None:
    """Raise VisitConflict unless a visit may move from current to target."""
    if target not in TRANSITIONS.get(current, set()):
        raise VisitConflict(_("This follow-up visit is already closed (%(status)s).") % {"status": current})
