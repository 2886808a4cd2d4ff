import pytest

from tickets import workflow
from tickets.workflow import TransitionNotAllowed, complaint_progress, ensure_allowed


def test_every_status_has_a_transition_entry():
    from tickets.models import Ticket

    assert set(workflow.TRANSITIONS) == set(Ticket.Status.values)
    for targets in workflow.TRANSITIONS.values():
        assert targets <= set(Ticket.Status.values)


def test_allowed_transition_passes():
    ensure_allowed("open", "pending_customer")


def test_unknown_transition_names_the_allowed_ones():
    with pytest.raises(TransitionNotAllowed) as caught:
        ensure_allowed("resolved", "pending_internal")
    assert caught.value.allowed == ["closed", "open"]
    assert "closed, open" in str(caught.value)


def test_closed_is_final():
    assert workflow.allowed_targets("closed") == []
    with pytest.raises(TransitionNotAllowed):
        ensure_allowed("closed", "open")


def test_unknown_status_is_refused():
    with pytest.raises(TransitionNotAllowed):
        ensure_allowed("open", "bogus")


class E:
    def __init__(self, kind, to_value="", when=0):
        self.kind, self.to_value, self.created_at, self.actor = kind, to_value, when, None


def test_complaint_progress_marks_the_first_event_of_each_step():
    events = [E("created", when=1), E("category", when=2), E("task", when=3), E("category", when=4),
              E("remedy", when=5), E("status", "resolved", when=6)]
    steps = complaint_progress(events)
    assert [s["step"] for s in steps] == list(workflow.STEPS)
    assert [s["done"] for s in steps] == [True, True, True, True, False, False, True]
    assert steps[1]["event"].created_at == 2
