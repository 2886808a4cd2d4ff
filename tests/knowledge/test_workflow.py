import pytest

from knowledge import workflow
from knowledge.workflow import ArticleConflict


@pytest.mark.parametrize("current,target", [
    ("draft", "in_review"), ("in_review", "published"), ("in_review", "draft"), ("published", "archived"),
    ("archived", "draft"), ("published", "draft"),
])
def test_allowed_steps(current, target):
    workflow.ensure_allowed(current, target)


@pytest.mark.parametrize("current,target", [
    ("draft", "published"), ("archived", "published"), ("published", "in_review"), ("draft", "draft"), ("x", "draft"),
])
def test_draft_cannot_skip_review_and_archived_cannot_return_to_public(current, target):
    with pytest.raises(ArticleConflict):
        workflow.ensure_allowed(current, target)
