import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from customers.selectors import customer_timeline
from followups import messaging, services, tokens, workflow
from followups.models import CustomerMessage, FollowUpRule, FollowUpSettings, FollowUpVisit, Survey
from followups.rules import is_quiet, quiet_adjust
from helpdesk.calendars import calendar_spec
from orders.models import Order, ReturnRequest
from tests.factories import CustomerFactory, FollowUpVisitFactory, OrderFactory, TicketFactory, UserFactory
from tests.waiting import wait_for

SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def locmem_messages(settings):
    settings.MESSAGE_BACKEND = "followups.messaging.LocmemBackend"
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


@pytest.fixture
def delivery_rule(db, team):
    rule = FollowUpRule.objects.get(code="delivered-7d")
    rule.team = team
    rule.save(update_fields=["team"])
    return rule


def _delivered(at, **kwargs):
    return OrderFactory(status=Order.Status.DELIVERED, placed_at=at - dt.timedelta(days=2), delivered_at=at, **kwargs)


def _visits(**filters):
    return FollowUpVisit.objects.filter(**filters)


def test_order_delivered_call_task_appears_once_seven_days_later(delivery_rule, agent):
    order = _delivered(MONDAY)
    with time_machine.travel(MONDAY + dt.timedelta(days=6, hours=23), tick=False):
        services.visit_sweep_due()
    assert not _visits(order=order).exists()
    with time_machine.travel(MONDAY + dt.timedelta(days=7, minutes=1), tick=False):
        for _ in range(3):
            services.visit_sweep_due()
    visit = _visits(order=order).get()
    assert visit.rule == delivery_rule and visit.kind == "call" and visit.status == "pending"
    assert visit.due_at == MONDAY + dt.timedelta(days=7)
    assert visit.assignee == agent  # round-robin in the rule's team
    assert visit.script == delivery_rule.script


def test_rule_changes_do_not_recreate_visits(delivery_rule):
    order = _delivered(MONDAY)
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):
        services.visit_sweep_due()
        delivery_rule.delay_days = 3
        delivery_rule.script = "新话术"
        delivery_rule.save()
        services.visit_sweep_due()
    visit = _visits(order=order).get()
    assert visit.script != "新话术"


def test_sweeper_killed_midway_rerun_creates_exactly_the_missing(delivery_rule, monkeypatch):
    orders = [_delivered(MONDAY + dt.timedelta(minutes=n), customer=CustomerFactory()) for n in range(7)]
    monkeypatch.setattr(services, "CHUNK", 3)
    real_plan = services._plan
    calls = []

    def dying_plan(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(services, "_plan", dying_plan)
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):
        with pytest.raises(RuntimeError):
            services.visit_sweep_rule(rule=delivery_rule)
        assert _visits(rule=delivery_rule).count() == 3
        monkeypatch.setattr(services, "_plan", real_plan)
        created = services.visit_sweep_rule(rule=delivery_rule)
    assert created == 4
    assert sorted(_visits(rule=delivery_rule).values_list("source_id", flat=True)) == sorted(o.pk for o in orders)


def test_customer_without_consent_is_skipped_and_recorded(delivery_rule):
    order = _delivered(MONDAY, customer=CustomerFactory(has_survey_consent=False))
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):
        services.visit_sweep_due()
        services.visit_sweep_due()
    visit = _visits(order=order).get()
    assert visit.status == "skipped" and visit.skip_reason == "no_consent" and visit.assignee is None


def test_customer_not_visited_twice_within_the_spacing(delivery_rule):
    customer = CustomerFactory()
    first, second = _delivered(MONDAY, customer=customer), _delivered(MONDAY + dt.timedelta(hours=2), customer=customer)
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):
        services.visit_sweep_due()
    statuses = sorted(_visits(customer=customer).values_list("status", "skip_reason"))
    assert statuses == [("pending", ""), ("skipped", "recent_visit")]
    assert {first.pk, second.pk} == set(_visits(customer=customer).values_list("source_id", flat=True))


def test_spacing_is_an_admin_setting(delivery_rule):
    FollowUpSettings.objects.update(min_days_between_visits=0)
    customer = CustomerFactory()
    _delivered(MONDAY, customer=customer), _delivered(MONDAY + dt.timedelta(hours=2), customer=customer)
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):
        services.visit_sweep_due()
    assert _visits(customer=customer, status="pending").count() == 2


def test_call_due_at_night_moves_out_of_quiet_hours(delivery_rule):
    night = dt.datetime(2026, 11, 2, 22, 30, tzinfo=SH)
    order = _delivered(night)
    with time_machine.travel(night + dt.timedelta(days=8), tick=False):
        services.visit_sweep_due()
    assert _visits(order=order).get().due_at == dt.datetime(2026, 11, 10, 9, 0, tzinfo=SH)


def test_no_calls_on_statutory_holidays(delivery_rule):
    holidays = calendar_spec("china-back-office").holidays
    delivered = dt.datetime(2026, 9, 24, 10, 0, tzinfo=SH)
    assert dt.date(2026, 10, 1) in holidays
    order = _delivered(delivered)
    with time_machine.travel(dt.datetime(2026, 10, 2, 10, 0, tzinfo=SH), tick=False):
        services.visit_sweep_due()
    due = _visits(order=order).get().due_at.astimezone(SH)
    assert due.date() > dt.date(2026, 10, 1) and due.date() not in holidays and due.time() == dt.time(9)


def test_business_day_delay_uses_the_calendar(delivery_rule):
    delivery_rule.delay_unit = FollowUpRule.DelayUnit.BUSINESS_DAYS
    delivery_rule.save()
    order = _delivered(MONDAY)
    with time_machine.travel(MONDAY + dt.timedelta(days=10), tick=False):
        services.visit_sweep_due()
    assert _visits(order=order).get().due_at == dt.datetime(2026, 11, 11, 10, 0, tzinfo=SH)


def test_quiet_hours_are_pure():
    assert is_quiet(dt.datetime(2026, 1, 5, 21, 0, tzinfo=SH), dt.time(21), dt.time(9))
    assert is_quiet(dt.datetime(2026, 1, 5, 8, 59, tzinfo=SH), dt.time(21), dt.time(9))
    assert not is_quiet(dt.datetime(2026, 1, 5, 9, 0, tzinfo=SH), dt.time(21), dt.time(9))
    moved = quiet_adjust(dt.datetime(2026, 1, 5, 3, 0, tzinfo=SH), start=dt.time(21), end=dt.time(9), tz=SH)
    assert moved == dt.datetime(2026, 1, 5, 9, 0, tzinfo=SH)


def test_round_robin_alternates_in_the_team(delivery_rule, team, agent):
    other = UserFactory(username="t-agent-b", teams=[team])
    for n in range(4):
        _delivered(MONDAY + dt.timedelta(minutes=n), customer=CustomerFactory())
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):
        services.visit_sweep_due()
    counts = {user: _visits(rule=delivery_rule, assignee=user).count() for user in (agent, other)}
    assert counts == {agent: 2, other: 2}


def test_complaint_resolved_goes_to_the_original_handler_after_three_days(db, team, agent):
    ticket = TicketFactory(kind="complaint", status="resolved", team=team, assignee=agent,
                           resolved_at=MONDAY)
    with time_machine.travel(MONDAY + dt.timedelta(days=2, hours=23), tick=False):
        services.visit_sweep_due()
    assert not _visits(ticket=ticket).exists()
    with time_machine.travel(MONDAY + dt.timedelta(days=3, minutes=5), tick=False):
        services.visit_sweep_due()
        services.visit_sweep_due()
    visit = _visits(ticket=ticket).get()
    assert visit.assignee == agent and visit.handler == agent and visit.team == team
    assert visit.rule.code == "complaint-resolved-3d"


@pytest.mark.parametrize(("kind", "code"), [("return", "return-closed-7d"), ("exchange", "exchange-closed-7d")])
def test_return_or_exchange_closed_visit_after_seven_days(db, team, agent, kind, code):
    order = _delivered(MONDAY - dt.timedelta(days=20))
    ticket = TicketFactory(customer=order.customer, team=team, assignee=agent)
    ret = ReturnRequest.objects.create(number=f"R{kind}1", order=order, customer=order.customer, ticket=ticket, kind=kind,
                                       reason="quality", status=ReturnRequest.Status.CLOSED, closed_at=MONDAY)
    ReturnRequest.objects.create(number=f"R{kind}2", order=order, customer=order.customer, kind=kind, reason="quality",
                                 status=ReturnRequest.Status.CANCELLED, closed_at=MONDAY)
    with time_machine.travel(MONDAY + dt.timedelta(days=7, minutes=1), tick=False):
        services.visit_sweep_due()
        services.visit_sweep_due()
    visit = _visits(source_type="return").get()
    assert visit.return_request == ret and visit.rule.code == code and visit.assignee == agent


def test_monthly_vip_visit_once_a_month(db):
    vip = CustomerFactory(level="vip")
    CustomerFactory(level="normal")
    with time_machine.travel(MONDAY, tick=False):
        services.visit_sweep_due()
        services.visit_sweep_due()
    assert list(_visits(rule__code="monthly-vip").values_list("customer_id", "period")) == [(vip.pk, "2026-11")]
    with time_machine.travel(MONDAY + dt.timedelta(days=31), tick=False):
        services.visit_sweep_due()
    assert _visits(rule__code="monthly-vip", customer=vip).count() == 2


def test_birthday_greeting_needs_marketing_consent_and_is_sent(db):
    FollowUpRule.objects.create(code="birthday", name="生日祝福", trigger="birthday", delay_days=0, kind="greeting",
                                channel="sms", message="{customer_name}，生日快乐！")
    happy = CustomerFactory(birthday=dt.date(1990, 11, 2), has_marketing_consent=True)
    CustomerFactory(birthday=dt.date(1991, 11, 2), has_marketing_consent=False)
    with time_machine.travel(MONDAY, tick=False):
        services.visit_sweep_due()
        assert services.visit_sweep_messages_due() == 1
    assert [m.body for m in messaging.outbox] == [f"{happy.name}，生日快乐！"]
    visit = _visits(rule__code="birthday", customer=happy).get()
    assert visit.status == "done" and visit.outcome == "sent"
    assert _visits(rule__code="birthday", skip_reason="no_consent").count() == 1


def test_ticket_resolved_survey_message_is_sent_and_on_the_timeline(db, team, agent, supervisor):
    FollowUpRule.objects.filter(code="ticket-resolved-survey").update(is_active=True)
    ticket = TicketFactory(status="resolved", team=team, assignee=agent, resolved_at=MONDAY)
    with time_machine.travel(MONDAY + dt.timedelta(days=1, minutes=1), tick=False):
        services.visit_sweep_due()
        services.visit_sweep_messages_due()
        services.visit_sweep_messages_due()
    survey = Survey.objects.get(ticket=ticket)
    assert survey.agent == agent and survey.team == team
    message = CustomerMessage.objects.get(customer=ticket.customer)
    assert message.status == "sent" and message.channel == "sms" and "/s/" in message.body
    assert len(messaging.outbox) == 1
    timeline = customer_timeline(viewer=supervisor, customer=ticket.customer)["results"]
    assert {"outbound", "visit"} <= {item["kind"] for item in timeline}
    token = tokens.LINK.search(message.body)["token"]
    for viewer in (agent, supervisor):  # the agent was rated by it; nobody on the staff holds the live link
        shown = customer_timeline(viewer=viewer, customer=ticket.customer)["results"]
        assert not any(token in str(item) for item in shown)


def test_message_failure_is_recorded(db, settings):
    settings.MESSAGE_BACKEND = "tests.followups.test_services.BrokenBackend"
    customer = CustomerFactory()
    message = services.message_send(customer=customer, channel="sms", body="hi")
    assert message.status == "failed" and message.error == "gateway down"


class BrokenBackend(messaging.BaseMessageBackend):
    def send(self, message):
        raise messaging.MessageSendError("gateway down", permanent=True)


def test_survey_message_waits_for_the_end_of_quiet_hours(db):
    visit = FollowUpVisitFactory(kind="survey", channel="sms", due_at=dt.datetime(2026, 11, 2, 20, 0, tzinfo=SH))
    with time_machine.travel(dt.datetime(2026, 11, 2, 23, 0, tzinfo=SH), tick=False):
        assert services.visit_sweep_messages_due() == 0
    visit.refresh_from_db()
    assert visit.status == "pending" and visit.due_at == dt.datetime(2026, 11, 3, 9, 0, tzinfo=SH)
    assert not messaging.outbox


def test_no_answer_reschedules_until_the_attempts_run_out(db, agent):
    evening = dt.datetime(2026, 11, 3, 20, 0, tzinfo=SH)
    visit = FollowUpVisitFactory(assignee=agent, due_at=evening)
    with time_machine.travel(evening, tick=False):
        visit = services.visit_complete(visit=visit, actor=agent, outcome="no_answer")
    assert visit.status == "pending" and visit.attempts == 1
    assert visit.due_at == dt.datetime(2026, 11, 4, 9, 0, tzinfo=SH)  # 22:00 is quiet
    with time_machine.travel(dt.datetime(2026, 11, 4, 9, 0, tzinfo=SH), tick=False):
        visit = services.visit_complete(visit=visit, actor=agent, outcome="no_answer")
        assert visit.due_at == dt.datetime(2026, 11, 4, 11, 0, tzinfo=SH)
        visit = services.visit_complete(visit=visit, actor=agent, outcome="no_answer")
    assert visit.status == "done" and visit.outcome == "no_answer" and visit.attempts == 3


def test_completing_a_completed_visit_conflicts(db, agent):
    visit = FollowUpVisitFactory(assignee=agent)
    services.visit_complete(visit=visit, actor=agent, outcome="reached", satisfaction=4, notes="满意")
    visit.refresh_from_db()
    assert (visit.status, visit.satisfaction, visit.completed_by) == ("done", 4, agent)
    with pytest.raises(workflow.VisitConflict):
        services.visit_complete(visit=visit, actor=agent, outcome="reached")


def test_complete_rejects_bad_satisfaction(db, agent):
    visit = FollowUpVisitFactory(assignee=agent)
    with pytest.raises(ValidationError):
        services.visit_complete(visit=visit, actor=agent, outcome="reached", satisfaction=6)
    visit.refresh_from_db()
    assert visit.status == "pending"


def test_problem_found_becomes_a_linked_ticket_once(db, team, agent):
    order = _delivered(MONDAY)
    visit = FollowUpVisitFactory(customer=order.customer, order=order, team=team, assignee=agent)
    ticket = services.visit_ticket_create(visit=visit, actor=agent, subject="商品有划痕")
    visit.refresh_from_db()
    assert visit.created_ticket == ticket and ticket.order == order and ticket.customer == order.customer
    assert ticket.assignee == agent and ticket.team == team
    with pytest.raises(workflow.VisitConflict):
        services.visit_ticket_create(visit=visit, actor=agent)


def test_holiday_greeting_on_the_first_day_of_a_statutory_holiday(db):
    FollowUpRule.objects.create(code="national-day", name="节日问候", trigger="holiday", delay_days=0, kind="greeting",
                                channel="sms", segment_level="vip")
    vip = CustomerFactory(level="vip", has_marketing_consent=True)
    CustomerFactory(level="normal", has_marketing_consent=True)
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH), tick=False):
        services.visit_sweep_due()
    assert not _visits(rule__code="national-day").exists()
    for day in (1, 2):
        with time_machine.travel(dt.datetime(2026, 10, day, 10, 0, tzinfo=SH), tick=False):
            services.visit_sweep_due()
            services.visit_sweep_messages_due()
    visit = _visits(rule__code="national-day").get()
    assert visit.customer == vip and visit.period == "2026-10-01" and visit.outcome == "sent"
    assert len(messaging.outbox) == 1


def test_beat_runs_the_follow_up_sweepers():
    from helpdesk.celery import app

    for name, task in [("customers-visit-sweep-due", "customers.visit_sweep_due"),
                       ("customers-visit-sweep-messages-due", "customers.visit_sweep_messages_due")]:
        entry = app.conf.beat_schedule[name]
        assert entry["task"] == task and entry["options"]["expires"] < entry["schedule"]


def test_sweep_task_runs_as_a_plain_function(delivery_rule):
    from followups.tasks import visit_sweep_due

    _delivered(MONDAY)
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):
        assert visit_sweep_due.run() == 1
        assert visit_sweep_due.run() == 0


def test_messages_still_queued_after_the_grace_period_are_delivered_again_once(db, monkeypatch):
    from django.utils import timezone

    from followups import tasks
    from helpdesk.enqueue import SWEEP_GRACE

    customer = CustomerFactory(phone="13800001111")
    queued = CustomerMessage.objects.create(customer=customer, channel="sms", recipient="13800001111", body="您好")
    sent = []
    monkeypatch.setattr(tasks.message_deliver, "delay", lambda **kwargs: sent.append(kwargs))
    assert services.message_sweep_queued() == 0
    later = timezone.now() + SWEEP_GRACE + dt.timedelta(seconds=1)
    assert services.message_sweep_queued(now=later) == 1 and sent == [{"message_id": queued.pk}]
    assert tasks.message_deliver(**sent[0]) == "sent"
    assert tasks.message_deliver(**sent[0]) == "sent"  # the same task delivered twice
    assert len(messaging.outbox) == 1 and messaging.outbox[0].reference == str(queued.pk)
    assert services.message_sweep_queued(now=later) == 0


class GatedBackend(messaging.BaseMessageBackend):
    """A gateway that holds each send until the test lets it answer."""

    entered = threading.Event()
    release = threading.Event()
    sends = []

    def send(self, message):
        self.sends.append(message.reference)
        self.entered.set()
        assert self.release.wait(20), "the test never released the gateway"
        return f"gated-{len(self.sends)}"


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_message_at_the_same_time_send_it_once(settings):
    from django.db import connection, connections

    settings.MESSAGE_BACKEND = "tests.followups.test_services.GatedBackend"
    GatedBackend.entered.clear(), GatedBackend.release.clear(), GatedBackend.sends.clear()
    customer = CustomerFactory(phone="13800002222")
    message = CustomerMessage.objects.create(customer=customer, channel="sms", recipient="13800002222", body="您好")
    results = {}

    def deliver(name):
        try:
            results[name] = services.message_deliver(message_id=message.pk).status
        finally:
            connections.close_all()

    first = threading.Thread(target=deliver, args=("first",))
    first.start()
    assert GatedBackend.entered.wait(20)
    second = threading.Thread(target=deliver, args=("second",))
    second.start()
    with connection.cursor() as cursor:
        def lock_waits():
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            return cursor.fetchone()[0]

        wait_for(lock_waits, timeout=20, what="the second delivery waiting on the first one's row lock", interval=0.02)
    GatedBackend.release.set()
    first.join(20), second.join(20)
    assert results == {"first": "sent", "second": "sent"}
    assert GatedBackend.sends == [str(message.pk)]
