import pytest
from django.core.exceptions import ValidationError

from chat import workflow


def test_waiting_chat_may_be_accepted_or_ended():
    assert workflow.can_move(workflow.WAITING, workflow.ACTIVE)
    assert workflow.can_move(workflow.WAITING, workflow.ENDED)


def test_active_chat_may_return_to_the_queue():
    assert workflow.can_move(workflow.ACTIVE, workflow.WAITING)


def test_ended_chat_moves_nowhere():
    for target in (workflow.WAITING, workflow.ACTIVE, workflow.ENDED):
        with pytest.raises(ValidationError):
            workflow.ensure_allowed(workflow.ENDED, target)
