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


class Done:
    def __init__(self, completed_at, source="remedy", note=""):
        self.completed_at, self.completed_by, self.source, self.note = completed_at, "张三", source, note


class Due:
    def __init__(self, due_at, warning_at=None, is_provisional=False):
        self.due_at, self.warning_at, self.breached_at, self.is_provisional = due_at, warning_at, None, is_provisional


def test_complaint_progress_lists_the_seven_steps_with_the_first_open_one_current():
    completions = {"intake": Done(1, "created"), "classification": Done(2, "category"), "solution": Done(5)}
    steps = complaint_progress(completions=completions, deadlines={}, now=10)
    assert [s["step"] for s in steps] == list(workflow.STEPS)
    assert [s["done"] for s in steps] == [True, True, False, True, False, False, False]
    assert [s["current"] for s in steps] == [False, False, True, False, False, False, False]
    assert steps[1]["completed_at"] == 2 and steps[1]["actor"] == "张三"
    assert steps[3]["state"] is None and steps[3]["due_at"] is None


def test_a_closed_ticket_has_no_current_step():
    steps = complaint_progress(completions={}, deadlines={}, now=10, is_active=False)
    assert not any(s["current"] for s in steps)


def test_an_explicit_completion_keeps_its_note():
    steps = complaint_progress(completions={"feedback": Done(3, "", "客户电话确认满意")}, deadlines={}, now=10)
    assert steps[6]["is_explicit"] and steps[6]["note"] == "客户电话确认满意"
    assert not complaint_progress(completions={"intake": Done(1, "created")}, deadlines={}, now=2)[0]["is_explicit"]


@pytest.mark.parametrize(("due", "warn", "completed", "now", "state"), [
    (10, 8, None, 5, "on_time"),
    (10, 8, None, 8, "warning"),
    (10, 8, None, 10, "overdue"),
    (10, 8, 10, 20, "on_time"),   # completed at the deadline itself is on time
    (10, 8, 11, 20, "overdue"),   # completed late stays marked late
    (10, None, None, 9, "on_time"),
])
def test_step_state(due, warn, completed, now, state):
    assert workflow.step_state(due_at=due, warning_at=warn, completed_at=completed, now=now) == state


def test_step_deadline_and_provisional_mark_are_passed_through():
    steps = complaint_progress(completions={}, deadlines={"solution": Due(10, 8, True)}, now=9)
    assert steps[3]["due_at"] == 10 and steps[3]["is_provisional"] and steps[3]["state"] == "warning"


def test_unknown_step_is_a_field_error():
    with pytest.raises(workflow.StepUnknown) as caught:
        workflow.step_ensure_known("archive")
    assert caught.value.field == "step"
