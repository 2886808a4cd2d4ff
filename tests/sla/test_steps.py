"""The complaint steps: completed once by the action that implies them or by an agent; step deadlines on the
business calendar, swept (warning, breach, escalation exactly once) and recomputed when a year is entered."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from helpdesk import services as calendar_services
from helpdesk.holiday_notice import notice_parse
from helpdesk.models import BusinessCalendar
from orders.models import ReturnRequest
from sla import services as sla_services
from sla.models import Notification, StepPolicy, TicketStepDeadline
from sla.selectors import complaint_progress
from tests.defaults import defaults_load
from tests.factories import CustomerFactory
from tickets import services
from tickets.models import Category, Ticket, TicketEvent, TicketMessage, TicketStep

SH = ZoneInfo("Asia/Shanghai")
NOTICES = Path(__file__).parent.parent / "helpdesk" / "fixtures"
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def step_defaults(sla_defaults):
    """The shipped calendars and the default step policy (complaints, the after-sales manual's table)."""
    StepPolicy.objects.all().delete()
    defaults_load("sla.migrations.0005_default_step_policy")
    return StepPolicy.objects.get()


def complaint(agent, team, **fields):
    return services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="耳机没有声音",
                                  kind="complaint", channel="email", assignee=agent, **fields)


def steps(ticket):
    return {row.step: row for row in TicketStep.objects.filter(ticket=ticket)}


def due(ticket):
    return {row.step: row.due_at for row in TicketStepDeadline.objects.filter(ticket=ticket)}


def deadline(ticket, step):
    return TicketStepDeadline.objects.get(ticket=ticket, step=step)


# Completions implied by the work, each once.

def test_each_action_completes_its_step_once_with_time_and_actor(step_defaults, agent, supervisor, team):
    ticket = complaint(agent, team)
    assert set(steps(ticket)) == {"intake"}
    quality = Category.objects.get(code="quality")
    services.ticket_update(ticket=ticket, actor=agent, category=quality)
    services.ticket_update(ticket=ticket, actor=agent, category=Category.objects.get(code="logistics"))
    services.ticket_message_add(ticket=ticket, actor=agent, body="已联系仓库", sender=TicketMessage.Sender.AGENT,
                                is_internal=True)
    services.internal_task_create(ticket=ticket, actor=agent, title="核实库存", department="warehouse")
    first = services.remedy_propose(ticket=ticket, actor=agent, kind="reship", amount=Decimal("0"))
    second = services.remedy_propose(ticket=ticket, actor=agent, kind="apology", amount=Decimal("0"))
    services.remedy_record_agreement(remedy=first, actor=agent)
    services.remedy_record_agreement(remedy=second, actor=agent)
    services.remedy_mark_done(remedy=first, actor=agent)
    services.remedy_mark_done(remedy=second, actor=agent)
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved", note="客户确认已收到")
    services.ticket_transition(ticket=ticket, actor=agent, status="closed")

    done = steps(ticket)
    assert list(done) == ["intake", "classification", "investigation", "solution", "agreement", "execution", "feedback"]
    assert TicketStep.objects.filter(ticket=ticket).count() == 7
    assert {row.completed_by_id for row in done.values()} == {agent.pk}
    assert done["investigation"].source == TicketEvent.Kind.NOTE
    assert done["feedback"].note == "客户确认已收到"
    # Implied steps sit beside the action's own event: no step event of their own.
    assert not ticket.events.filter(kind=TicketEvent.Kind.STEP_DONE).exists()
    # Each completed step met its deadline (the complaint's policy gives every step one).
    assert all(row.met_at == done[row.step].completed_at for row in TicketStepDeadline.objects.filter(ticket=ticket))


def test_a_category_given_at_intake_completes_classification_at_intake(step_defaults, agent, team):
    ticket = complaint(agent, team, category=Category.objects.get(code="quality"))
    done = steps(ticket)
    assert done["classification"].completed_at == ticket.created_at == done["intake"].completed_at


def test_a_public_reply_does_not_complete_the_investigation(step_defaults, agent, team):
    ticket = complaint(agent, team)
    services.ticket_message_add(ticket=ticket, actor=agent, body="您好", sender=TicketMessage.Sender.AGENT)
    services.ticket_message_add(ticket=ticket, actor=None, body="还没好", sender=TicketMessage.Sender.CUSTOMER)
    assert set(steps(ticket)) == {"intake"}


def test_a_failed_action_completes_nothing(step_defaults, agent, team):
    ticket = complaint(agent, team)
    with pytest.raises(ValidationError):
        services.remedy_propose(ticket=ticket, actor=agent, kind="refund", amount=None)
    assert set(steps(ticket)) == {"intake"}


def test_agent_completes_a_step_explicitly_with_a_note(step_defaults, agent, team):
    ticket = complaint(agent, team)
    done = services.ticket_step_complete(ticket=ticket, actor=agent, step="investigation", note="电话核实物流轨迹")
    assert (done.completed_by, done.source, done.note) == (agent, "", "电话核实物流轨迹")
    event = ticket.events.get(kind=TicketEvent.Kind.STEP_DONE)
    assert (event.to_value, event.actor, event.note) == ("investigation", agent, "电话核实物流轨迹")
    assert deadline(ticket, "investigation").met_at == done.completed_at
    # Done once: again by hand is refused, the implying action later changes nothing.
    with pytest.raises(ValidationError) as caught:
        services.ticket_step_complete(ticket=ticket, actor=agent, step="investigation", note="再次")
    assert "step" in caught.value.message_dict
    services.internal_task_create(ticket=ticket, actor=agent, title="核实", department="logistics")
    assert TicketStep.objects.get(ticket=ticket, step="investigation").pk == done.pk


@pytest.mark.parametrize(("step", "note", "field"), [("investigation", "  ", "note"), ("archive", "好", "step")])
def test_explicit_completion_needs_a_known_step_and_a_note(step_defaults, agent, team, step, note, field):
    ticket = complaint(agent, team)
    with pytest.raises(Exception) as caught:
        services.ticket_step_complete(ticket=ticket, actor=agent, step=step, note=note)
    assert getattr(caught.value, "field", None) == field or field in caught.value.message_dict
    assert set(steps(ticket)) == {"intake"}


def test_a_survey_answer_completes_the_feedback_step(step_defaults, agent, team):
    from followups.services import survey_create, survey_respond
    from followups.tokens import survey_token

    ticket = complaint(agent, team)
    survey = survey_create(customer=ticket.customer, ticket=ticket, agent=agent, team=team)
    survey_respond(token=survey_token(survey), overall=5,
                   answers={"efficiency": 5, "professionalism": 5, "accuracy": 4}, comment="")
    feedback = TicketStep.objects.get(ticket=ticket, step="feedback")
    assert feedback.source == "survey" and feedback.completed_by is None
    assert ticket.events.filter(kind=TicketEvent.Kind.STEP_DONE, to_value="feedback").count() == 1


def test_a_completed_linked_return_completes_the_execution_step(step_defaults, agent, supervisor, team):
    from orders import services as return_services
    from tests.factories.orders import delivered_order

    order = delivered_order(lines=((1, "99.00"),))
    ticket = services.ticket_create(actor=agent, customer=order.customer, team=team, subject="质量问题",
                                    kind="complaint", assignee=agent, order=order)
    remedy = services.remedy_propose(ticket=ticket, actor=supervisor, kind="refund", amount=Decimal("99.00"))
    services.remedy_record_agreement(remedy=remedy, actor=agent)
    ret = ReturnRequest.objects.get(remedy=remedy)
    assert "execution" not in steps(ticket)
    assert ret.kind == ReturnRequest.Kind.REFUND_ONLY
    ret = return_services.return_request_approve(return_request=ret, actor=supervisor)
    return_services.return_request_refund(return_request=ret, actor=supervisor)
    done = TicketStep.objects.get(ticket=ticket, step="execution")
    assert (done.source, done.completed_by) == ("return", supervisor)


# Step deadlines on the business calendar.

def test_deadlines_over_a_weekend(step_defaults, agent, team):
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):  # Friday
        ticket = complaint(agent, team)
    assert due(ticket) == {
        "intake": at(2026, 11, 21, 10),          # 24 hours, calendar time
        "classification": at(2026, 11, 23, 10),  # Monday
        "investigation": at(2026, 11, 24, 10),
        "solution": at(2026, 11, 25, 10),
        "agreement": at(2026, 11, 25, 10),
        "execution": at(2026, 11, 26, 10),
        "feedback": at(2026, 11, 27, 10),
    }
    assert not any(row.is_provisional for row in TicketStepDeadline.objects.filter(ticket=ticket))
    # Intake is done at creation: on time, never swept.
    intake = deadline(ticket, "intake")
    assert intake.met_at == ticket.created_at and intake.next_check_at is None
    # 80 % of the 540 business minutes from Fri 10:00 to Mon 10:00 is 432: Fri 17:12.
    assert deadline(ticket, "classification").warning_at == at(2026, 11, 20, 17, 12)


def test_deadlines_over_the_spring_festival_and_its_make_up_saturday(step_defaults, agent, team):
    with time_machine.travel(at(2026, 2, 12, 10), tick=False):  # Thursday before 春节
        ticket = complaint(agent, team)
    dues = due(ticket)
    assert dues["classification"] == at(2026, 2, 13, 10)   # Friday
    assert dues["investigation"] == at(2026, 2, 14, 10)    # the make-up Saturday (调休上班)
    assert dues["solution"] == at(2026, 2, 24, 10)         # 02-15 … 02-23 off
    assert dues["execution"] == at(2026, 2, 25, 10)
    assert dues["feedback"] == at(2026, 2, 26, 10)


def test_deadlines_reading_a_year_without_the_official_schedule_are_provisional(step_defaults, agent, team):
    with time_machine.travel(at(2027, 3, 1, 10), tick=False):
        ticket = complaint(agent, team)
    rows = TicketStepDeadline.objects.filter(ticket=ticket)
    assert all(row.is_provisional for row in rows if row.step != "intake")
    assert not deadline(ticket, "intake").is_provisional  # calendar hours read no calendar
    progress = {row["step"]: row for row in complaint_progress(ticket=ticket)}
    assert progress["feedback"]["is_provisional"] and progress["feedback"]["due_at"] == deadline(ticket, "feedback").due_at


def test_a_policy_for_a_category_applies_to_its_sub_categories(step_defaults, agent, team, sla_defaults):
    quality = Category.objects.get(code="quality")
    child = Category.objects.create(name="破损", code="quality-broken", parent=quality)
    fast = StepPolicy.objects.create(name="质量投诉", position=1, kind="complaint", category=quality,
                                     calendar=step_defaults.calendar)
    fast.rules.create(step="solution", value=1, unit="business_days")
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        ticket = complaint(agent, team, category=child)
    assert due(ticket) == {"solution": at(2026, 11, 23, 10)}
    # Another category: back on the default policy, the quality-only deadline gone.
    services.ticket_update(ticket=ticket, actor=agent, category=Category.objects.get(code="logistics"))
    assert set(due(ticket)) == {"intake", "classification", "investigation", "solution", "agreement", "execution",
                                "feedback"}


def test_other_kinds_get_no_step_deadlines(step_defaults, agent, team):
    ticket = services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="咨询")
    assert due(ticket) == {}
    assert [row["due_at"] for row in complaint_progress(ticket=ticket)] == [None] * 7


# The sweep: warning, breach and escalation, each exactly once.

def sweep(now):
    """Run the checks of every step deadline due by ``now``, as the worker would; return what happened."""
    ids = list(TicketStepDeadline.objects.filter(next_check_at__lte=now).order_by("pk").values_list("pk", flat=True))
    return [(TicketStepDeadline.objects.get(pk=pk).step, sla_services.step_deadline_check(deadline_id=pk, now=now))
            for pk in ids]


def test_sweep_warns_breaches_and_escalates_exactly_once(step_defaults, agent, supervisor, team):
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        ticket = complaint(agent, team, category=Category.objects.get(code="quality"))
    # Classified at intake; the investigation's warning point is Mon 15:24 (80 % of 1,080 business minutes).
    assert sweep(at(2026, 11, 23, 9, 30)) == []
    with time_machine.travel(at(2026, 11, 23, 9, 30), tick=False):  # investigation done before its deadline
        services.ticket_message_add(ticket=ticket, actor=agent, body="查物流", sender=TicketMessage.Sender.AGENT,
                                    is_internal=True)

    # Solution is due Wed 11-25 10:00, agreement too; warning at 80 % of 1,620 business minutes: Tue 13:36.
    assert deadline(ticket, "solution").warning_at == at(2026, 11, 24, 13, 36)
    assert sweep(at(2026, 11, 24, 13, 40)) == [("solution", "warning"), ("agreement", "warning")]
    assert sweep(at(2026, 11, 24, 13, 40)) == []
    assert Notification.objects.filter(kind=Notification.Kind.STEP_WARNING, recipient=agent).count() == 2

    assert sweep(at(2026, 11, 25, 10, 1)) == [("solution", "breach"), ("agreement", "breach")]
    for _ in range(2):  # a second sweep, or the same check delivered twice, changes nothing
        assert sweep(at(2026, 11, 25, 10, 2)) == []
        assert sla_services.step_deadline_check(deadline_id=deadline(ticket, "solution").pk,
                                                now=at(2026, 11, 25, 10, 2)) is None
    assert ticket.events.filter(kind=TicketEvent.Kind.STEP_BREACH).count() == 2
    assert ticket.events.filter(kind=TicketEvent.Kind.STEP_WARNING).count() == 2
    breaches = Notification.objects.filter(kind=Notification.Kind.STEP_BREACH)
    assert sorted(breaches.values_list("recipient_id", flat=True)) == sorted([agent.pk, supervisor.pk] * 2)
    ticket.refresh_from_db()
    assert ticket.escalated_to == supervisor
    assert ticket.events.filter(kind=TicketEvent.Kind.ESCALATED).count() == 1  # escalated once, not per step
    progress = {row["step"]: row["state"] for row in complaint_progress(ticket=ticket, now=at(2026, 11, 25, 10, 2))}
    assert progress["solution"] == progress["agreement"] == "overdue"
    assert progress["investigation"] == "on_time"

    # Completed late: no longer swept, still marked overdue.
    services.remedy_propose(ticket=ticket, actor=agent, kind="apology", amount=Decimal("0"))
    solution = deadline(ticket, "solution")
    assert solution.met_at is not None and solution.next_check_at is None and solution.breached_at is not None
    assert {row["step"]: row["state"] for row in complaint_progress(ticket=ticket)}["solution"] == "overdue"


def test_a_step_done_in_time_is_never_warned(step_defaults, agent, team):
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        ticket = complaint(agent, team)
        services.ticket_update(ticket=ticket, actor=agent, category=Category.objects.get(code="quality"))
    assert "classification" not in [step for step, _ in sweep(at(2026, 11, 23, 11))]


def test_a_resolved_ticket_is_not_swept(step_defaults, agent, team):
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        ticket = complaint(agent, team)
        services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    assert not TicketStepDeadline.objects.filter(ticket=ticket, next_check_at__isnull=False).exists()
    assert sweep(at(2026, 12, 31, 10)) == []


def test_the_sweeper_enqueues_only_due_deadlines(step_defaults, agent, team, monkeypatch):
    sent = []
    monkeypatch.setattr("sla.tasks.step_deadline_checks_enqueue", lambda ids, expires: sent.extend(ids))
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        ticket = complaint(agent, team)
    assert sla_services.step_deadline_sweep_due(now=at(2026, 11, 20, 12)) == 0
    assert sla_services.step_deadline_sweep_due(now=at(2026, 11, 23, 9, 30)) == 1
    assert sent == [deadline(ticket, "classification").pk]


# Entering a year's official schedule recomputes the step deadlines that read it.

def test_entering_the_year_recomputes_provisional_step_deadlines_once(step_defaults, agent, team, admin_user,
                                                                     django_capture_on_commit_callbacks):
    with time_machine.travel(at(2027, 1, 29, 10), tick=False):  # Friday; Sun 01-31 becomes a make-up day
        ticket = complaint(agent, team)
    classification = deadline(ticket, "classification")
    assert classification.due_at == at(2027, 2, 1, 10) and classification.is_provisional

    schedule = notice_parse((NOTICES / "notice_2027_plausible.txt").read_text())
    calendar = BusinessCalendar.objects.get(code="china-back-office")
    with time_machine.travel(at(2027, 1, 29, 12), tick=False):
        with django_capture_on_commit_callbacks():
            entry = calendar_services.calendar_year_enter(calendar=calendar, schedule=schedule, actor=admin_user)
        entry = calendar_services.calendar_year_recompute(entry_id=entry.pk)
        assert entry.progress["sla_steps"]["total"] == 1 and entry.progress["sla_steps"]["shifted"] >= 1
        classification.refresh_from_db()
        assert classification.due_at == at(2027, 1, 31, 10) and not classification.is_provisional
        moved = ticket.events.filter(kind=TicketEvent.Kind.STEP_RECOMPUTED)
        assert moved.filter(to_value__contains="01-31").exists()
        count = moved.count()
        # Running it again moves nothing.
        again = calendar_services.calendar_year_recompute(entry_id=entry.pk)
        assert again.progress["sla_steps"]["shifted"] == 0
        assert ticket.events.filter(kind=TicketEvent.Kind.STEP_RECOMPUTED).count() == count


def test_a_step_policy_change_recomputes_open_tickets(step_defaults, agent, team):
    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        ticket = complaint(agent, team)
    step_defaults.rules.filter(step="feedback").update(value=10)
    assert sla_services.step_deadlines_recompute_open() >= 1
    assert deadline(ticket, "feedback").due_at == at(2026, 12, 4, 10)
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_breach_and_escalate_once(step_defaults, agent, supervisor, team):
    import threading

    from django.db import connection

    with time_machine.travel(at(2026, 11, 20, 10), tick=False):
        ticket = complaint(agent, team)
    ids = [deadline(ticket, "solution").pk, deadline(ticket, "agreement").pk] * 2
    results, barrier = [], threading.Barrier(len(ids))

    def run(deadline_id):
        barrier.wait()
        try:
            results.append(sla_services.step_deadline_check(deadline_id=deadline_id, now=at(2026, 11, 25, 10, 1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == sorted(["breach", "breach", None, None], key=str)
    assert ticket.events.filter(kind=TicketEvent.Kind.STEP_BREACH).count() == 2
    assert ticket.events.filter(kind=TicketEvent.Kind.ESCALATED).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.STEP_BREACH).count() == 4  # agent + supervisor, twice


def test_beat_sweeps_step_deadlines_like_the_sla_timers():
    from helpdesk.celery import app

    entry = app.conf.beat_schedule["sla-step-deadline-sweep"]
    assert entry["task"] == "sla.step_deadline_sweep_due" and entry["task"] in app.tasks
    assert entry["schedule"] <= 30 and entry["options"]["expires"] < entry["schedule"]
    assert "sla.step_deadline_check_many" in app.tasks
