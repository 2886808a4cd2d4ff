"""Articles as a pure state machine: a draft is reviewed, published, and archived when it no longer applies.

A reviewer may send an article in review back to draft; an archived article may be reopened as a draft.
"""

from django.utils.translation import gettext as _

from helpdesk.errors import Conflict

DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED = "draft", "in_review", "published", "archived"

TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {IN_REVIEW, ARCHIVED},
    IN_REVIEW: {DRAFT, PUBLISHED, ARCHIVED},
    PUBLISHED: {ARCHIVED, DRAFT},
    ARCHIVED: {DRAFT},
}


class ArticleConflict(Conflict):
    """The article is not in a state that allows this step (409)."""


def ensure_allowed(current: str, target: str) -> None:
    """Raise ArticleConflict unless an article may move from current to target."""
    if target not in TRANSITIONS.get(current, set()):
        raise ArticleConflict(_("An article cannot go from %(current)s to %(target)s.") % {
            "current": current, "target": target})
