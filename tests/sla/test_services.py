"""The SLA engine: stored deadlines, the sweeper, exactly-once warnings and breaches, pauses, force majeure."""

import datetime as dt
import threading
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection

from channels.models import TicketEmail
from sla import services
from sla.models import Notification, SLAPolicy, TicketSLA, TicketSLATimer
from tests.factories import CustomerFactory
from tickets.models import Ticket, TicketEvent, TicketMessage
from tickets.services import ticket_create, ticket_escalate, ticket_message_add

SH = ZoneInfo("Asia/Shanghai")
FRIDAY_1730 = dt.datetime(2026, 11, 20, 17, 30, tzinfo=SH)


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def timer(ticket, target="first_response"):
    return TicketSLATimer.objects.get(ticket=ticket, target=target)


@pytest.fixture
def email_ticket(sla_defaults, agent, supervisor, team):
    with time_machine.travel(FRIDAY_1730, tick=False):
        return ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="发票怎么开",
                             channel=Ticket.Channel.EMAIL, assignee=agent)


@pytest.mark.django_db
def test_email_ticket_gets_four_business_hours_from_friday_evening(email_ticket):
    first = timer(email_ticket)
    assert first.due_at == at(2026, 11, 23, 12, 30)
    # 80 % of 240 business minutes = 192: 30 on Friday, 162 on Monday.
    assert first.warning_at == at(2026, 11, 23, 11, 42)
    assert first.next_check_at == first.warning_at
    assert timer(email_ticket, "resolution").due_at == at(2026, 11, 27, 17, 30)
    assert email_ticket.sla.policy.name.startswith("其他渠道")


@pytest.mark.django_db
def test_policies_match_first_by_order(sla_defaults, agent, team):
    with time_machine.travel(FRIDAY_1730, tick=False):
        chat = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="在吗", channel="chat")
        urgent = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="投诉", channel="chat",
                               kind="complaint", priority="urgent")
    assert timer(chat).due_at == at(2026, 11, 20, 17, 31)
    assert urgent.sla.policy.name.startswith("紧急投诉")
    assert timer(urgent).due_at == at(2026, 11, 23, 9, 30)
    assert timer(urgent, "resolution").due_at == at(2026, 11, 23, 17, 30)


@pytest.mark.django_db
def test_sweeping_twice_then_running_every_enqueued_check_breaches_once(email_ticket):
    with mock.patch("sla.tasks.sla_timer_checks_enqueue") as enqueue:
        services.sla_timer_sweep_due(now=at(2026, 11, 23, 12, 31))
        services.sla_timer_sweep_due(now=at(2026, 11, 23, 12, 31))
    outcomes = [services.sla_timer_check(timer_id=timer_id, now=at(2026, 11, 23, 12, 31))
                for call in enqueue.call_args_list for timer_id in call.args[0]]
    assert outcomes == ["breach", None]
    assert Notification.objects.filter(kind="sla_breach").count() == 2  # assignee and supervisor, once each


@pytest.mark.django_db
def test_a_chunk_of_checks_run_twice_records_each_breach_once(email_ticket):
    with time_machine.travel(at(2026, 11, 23, 12, 31), tick=False):
        ids = [timer(email_ticket).pk, 2**62]  # a timer that is gone is skipped
        assert services.sla_timer_check_many(timer_ids=ids) == 1
        assert services.sla_timer_check_many(timer_ids=ids) == 0
    assert Notification.objects.filter(kind="sla_breach").count() == 2  # assignee and supervisor, once each


@pytest.mark.django_db
def test_sweeper_enqueues_only_due_timers(email_ticket):
    with mock.patch("sla.tasks.sla_timer_checks_enqueue") as enqueue:
        assert services.sla_timer_sweep_due(now=at(2026, 11, 23, 11, 41)) == 0
        assert services.sla_timer_sweep_due(now=at(2026, 11, 23, 11, 42)) == 1
    assert enqueue.call_args_list[-1].args[0] == [timer(email_ticket).pk]
    assert enqueue.call_args_list[-1].kwargs["expires"] == 300


@pytest.mark.django_db
def test_warning_and_breach_are_recorded_and_notified_once(email_ticket, agent, supervisor):
    first = timer(email_ticket)
    assert services.sla_timer_check(timer_id=first.pk, now=at(2026, 11, 23, 11, 43)) == "warning"
    assert services.sla_timer_check(timer_id=first.pk, now=at(2026, 11, 23, 11, 44)) is None
    assert list(Notification.objects.values_list("recipient", "kind")) == [(agent.pk, "sla_warning")]
    assert services.sla_timer_check(timer_id=first.pk, now=at(2026, 11, 23, 12, 31)) == "breach"
    assert services.sla_timer_check(timer_id=first.pk, now=at(2026, 11, 23, 12, 32)) is None
    breaches = Notification.objects.filter(kind="sla_breach")
    assert sorted(breaches.values_list("recipient", flat=True)) == sorted([agent.pk, supervisor.pk])
    kinds = list(email_ticket.events.values_list("kind", flat=True))
    assert kinds.count("sla_warning") == 1 and kinds.count("sla_breach") == 1
    first.refresh_from_db()
    assert first.breached_at == at(2026, 11, 23, 12, 31) and first.next_check_at is None


@pytest.mark.django_db
def test_agent_reply_meets_first_response_and_customer_message_starts_next_response(email_ticket, agent):
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        ticket_message_add(ticket=email_ticket, actor=agent, body="您好", sender=TicketMessage.Sender.AGENT)
    first = timer(email_ticket)
    assert first.met_at == at(2026, 11, 23, 10) and first.next_check_at is None
    with time_machine.travel(at(2026, 11, 23, 17), tick=False):
        ticket_message_add(ticket=email_ticket, actor=None, body="还没收到", sender=TicketMessage.Sender.CUSTOMER)
    nxt = timer(email_ticket, "next_response")
    assert (nxt.cycle, nxt.started_at, nxt.due_at) == (1, at(2026, 11, 23, 17), at(2026, 11, 24, 12))
    with time_machine.travel(at(2026, 11, 24, 9, 30), tick=False):
        ticket_message_add(ticket=email_ticket, actor=agent, body="已处理", sender=TicketMessage.Sender.AGENT)
        ticket_message_add(ticket=email_ticket, actor=None, body="谢谢，再问一下", sender=TicketMessage.Sender.CUSTOMER)
    nxt.refresh_from_db()
    assert nxt.cycle == 2 and nxt.met_at is None and nxt.due_at == at(2026, 11, 24, 13, 30)


@pytest.mark.django_db
def test_pending_customer_pauses_across_the_weekend(email_ticket):
    email_ticket.status = Ticket.Status.PENDING_CUSTOMER
    email_ticket.save(update_fields=["status"])
    services.ticket_sla_refresh(ticket=email_ticket, now=at(2026, 11, 20, 17, 45))
    paused = timer(email_ticket)
    assert paused.paused_at == at(2026, 11, 20, 17, 45) and paused.next_check_at is None
    email_ticket.status = Ticket.Status.OPEN
    email_ticket.save(update_fields=["status"])
    services.ticket_sla_refresh(ticket=email_ticket, now=at(2026, 11, 23, 10))
    resumed = timer(email_ticket)
    # Paused 15 min on Friday + 60 min on Monday; the weekend costs nothing.
    assert resumed.paused_minutes == 75
    assert resumed.due_at == at(2026, 11, 23, 13, 45)
    kinds = list(email_ticket.events.values_list("kind", flat=True))
    assert "sla_paused" in kinds and "sla_resumed" in kinds


@pytest.mark.django_db
def test_supervisor_extends_for_force_majeure_and_the_customer_is_told(email_ticket, supervisor, agent):
    with pytest.raises(PermissionDenied):
        services.ticket_sla_extend(ticket=email_ticket, actor=agent, minutes=60, reason="台风")
    services.ticket_sla_extend(ticket=email_ticket, actor=supervisor, minutes=60, reason="台风停运", target="first_response")
    first = timer(email_ticket)
    assert first.due_at == at(2026, 11, 23, 13, 30) and first.is_excused
    assert email_ticket.messages.filter(sender="system", body__contains="台风停运").exists()
    assert email_ticket.events.filter(kind="sla_extended", actor=supervisor, note="台风停运").exists()
    # Told on the channel they wrote on: an e-mail ticket mails the notice in its thread, once.
    [mailed] = TicketEmail.objects.filter(ticket=email_ticket, purpose=TicketEmail.Purpose.REPLY)
    assert "台风停运" in mailed.ticket_message.body and mailed.status == TicketEmail.Status.QUEUED
    assert not email_ticket.customer.messages_sent.exists()


@pytest.mark.django_db
def test_supervisor_pause_holds_every_deadline_until_resumed(email_ticket, supervisor):
    with time_machine.travel(at(2026, 11, 23, 9), tick=False):
        services.ticket_sla_pause(ticket=email_ticket, actor=supervisor, reason="快递停运")
    assert timer(email_ticket).paused_at is not None
    assert TicketSLA.objects.get(ticket=email_ticket).is_held
    with time_machine.travel(at(2026, 11, 24, 9), tick=False):
        services.ticket_sla_resume(ticket=email_ticket, actor=supervisor)
    resumed = timer(email_ticket)
    assert resumed.paused_at is None and resumed.paused_minutes == 540
    assert resumed.due_at == at(2026, 11, 24, 12, 30)


@pytest.mark.django_db
def test_breach_actions_raise_priority_and_move_to_supervisor(sla_defaults, agent, supervisor, team):
    with time_machine.travel(FRIDAY_1730, tick=False):
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="投诉", kind="complaint",
                               channel="email", assignee=agent)
    SLAPolicy.objects.filter(pk=ticket.sla.policy_id).update(move_to_supervisor=True)
    assert services.sla_timer_check(timer_id=timer(ticket).pk, now=at(2026, 11, 23, 12, 31)) == "breach"
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.HIGH and ticket.assignee == supervisor


@pytest.mark.django_db
def test_a_breach_escalates_to_the_level_its_policy_names(sla_defaults, agent, supervisor, manager, team):
    with time_machine.travel(FRIDAY_1730, tick=False):
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="投诉", kind="complaint",
                               channel="email", assignee=agent)
    SLAPolicy.objects.filter(pk=ticket.sla.policy_id).update(escalate_first_response="manager")
    assert services.sla_timer_check(timer_id=timer(ticket).pk, now=at(2026, 11, 23, 12, 31)) == "breach"
    ticket.refresh_from_db()
    assert ticket.escalated_to == manager
    escalated = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.ESCALATED)
    assert escalated.actor is None and str(TicketSLATimer.Target.FIRST_RESPONSE.label) in escalated.note
    assert Notification.objects.filter(kind=Notification.Kind.ESCALATED, recipient=manager, ticket=ticket).count() == 1


@pytest.mark.django_db
def test_a_breach_leaves_a_ticket_already_that_far_up(sla_defaults, agent, supervisor, team):
    with time_machine.travel(FRIDAY_1730, tick=False):
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="投诉", kind="complaint",
                               channel="email", assignee=agent)
    ticket_escalate(ticket=ticket, actor=agent, reason="重大投诉")
    SLAPolicy.objects.filter(pk=ticket.sla.policy_id).update(escalate_first_response="supervisor")
    assert services.sla_timer_check(timer_id=timer(ticket).pk, now=at(2026, 11, 23, 12, 31)) == "breach"
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ESCALATED).count() == 1


@pytest.mark.django_db
def test_deadline_in_an_uncovered_year_runs_on_the_provisional_schedule(sla_defaults, agent, team):
    with time_machine.travel(at(2026, 12, 29, 10), tick=False):
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="咨询", channel="email")
    resolution = timer(ticket, "resolution")
    # 5 business days: 12-30, 12-31, (2027-01-01 元旦 by rule), 01-04, 01-05, 01-06.
    assert resolution.due_at == at(2027, 1, 6, 10) and resolution.problem == ""
    assert resolution.next_check_at is not None
    assert timer(ticket).due_at == at(2026, 12, 29, 14)


@pytest.mark.django_db
def test_sweeper_survives_deleted_ticket_and_policy(email_ticket):
    first = timer(email_ticket)
    SLAPolicy.objects.filter(pk=email_ticket.sla.policy_id).delete()
    assert services.sla_timer_check(timer_id=first.pk, now=at(2026, 11, 23, 12, 31)) == "breach"
    email_ticket.delete()
    assert services.sla_timer_check(timer_id=first.pk, now=at(2026, 11, 23, 12, 32)) is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_record_one_breach(sla_defaults, agent, supervisor, team):
    with time_machine.travel(FRIDAY_1730, tick=False):
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="并发",
                               channel="email", assignee=agent)
    timer_id = timer(ticket).pk
    results, barrier = [], threading.Barrier(4)

    def run():
        barrier.wait()
        try:
            results.append(services.sla_timer_check(timer_id=timer_id, now=at(2026, 11, 23, 12, 31)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and results.count("breach") == 1 and results.count(None) == 3
    assert Notification.objects.filter(kind="sla_breach").count() == 2
    assert TicketEvent.objects.filter(ticket=ticket, kind="sla_breach").count() == 1


def test_beat_sweeps_sla_timers_at_least_every_30_seconds():
    from helpdesk.celery import app

    entry = app.conf.beat_schedule["tickets-sla-sweep"]
    assert entry["task"] == "tickets.sla_timer_sweep_due" and entry["task"] in app.tasks
    assert entry["schedule"] <= 30 and entry["options"]["expires"] < entry["schedule"]
    assert "tickets.sla_timer_check" in app.tasks


@pytest.mark.django_db
def test_clock_going_back_on_a_paused_ticket_never_counts_negative_time(email_ticket):
    email_ticket.status = Ticket.Status.PENDING_CUSTOMER
    email_ticket.save(update_fields=["status"])
    services.ticket_sla_refresh(ticket=email_ticket, now=at(2026, 11, 23, 10))
    email_ticket.status = Ticket.Status.OPEN
    email_ticket.save(update_fields=["status"])
    services.ticket_sla_refresh(ticket=email_ticket, now=at(2026, 11, 23, 9, 30))  # the clock was set back
    resumed = timer(email_ticket)
    assert resumed.paused_minutes == 0 and resumed.due_at == at(2026, 11, 23, 12, 30)


@pytest.mark.django_db
def test_extending_a_breached_deadline_runs_it_again_and_keeps_the_breach_counted(email_ticket, supervisor, agent):
    with time_machine.travel(at(2026, 11, 23, 12, 31), tick=False):
        assert services.sla_timer_check(timer_id=timer(email_ticket).pk) == "breach"
    with time_machine.travel(at(2026, 11, 23, 12, 40), tick=False):
        services.ticket_sla_extend(ticket=email_ticket, actor=supervisor, minutes=120, reason="系统故障")
    first = timer(email_ticket)
    assert first.due_at == at(2026, 11, 23, 14, 30)
    assert first.breached_at is None  # no longer red: the countdown runs to the new deadline
    assert first.first_breached_at == at(2026, 11, 23, 12, 31)  # still a breach for the KPI
    assert first.is_excused and first.warned_at is None and first.next_check_at == first.warning_at
    assert email_ticket.events.filter(kind="sla_breach").count() == 1  # the history keeps the breach
    with time_machine.travel(at(2026, 11, 23, 14, 31), tick=False):
        assert services.sla_timer_check(timer_id=first.pk) == "breach"
    again = timer(email_ticket)
    assert again.breached_at == at(2026, 11, 23, 14, 31) and again.first_breached_at == at(2026, 11, 23, 12, 31)
    assert Notification.objects.filter(kind="sla_breach", recipient=agent).count() == 2
    assert email_ticket.events.filter(kind="sla_breach").count() == 2


@pytest.mark.django_db
def test_extension_that_still_ends_in_the_past_leaves_the_timer_breached(email_ticket, supervisor):
    with time_machine.travel(at(2026, 11, 23, 12, 31), tick=False):
        services.sla_timer_check(timer_id=timer(email_ticket).pk)
    with time_machine.travel(at(2026, 11, 23, 13, 0), tick=False):
        services.ticket_sla_extend(ticket=email_ticket, actor=supervisor, minutes=5, reason="网络中断")
    first = timer(email_ticket)
    assert first.due_at == at(2026, 11, 23, 12, 35)
    assert first.breached_at == at(2026, 11, 23, 12, 31) and first.first_breached_at is None


@pytest.mark.django_db
def test_api_shows_the_first_breach_after_an_extension(email_ticket, supervisor, api_client):
    with time_machine.travel(at(2026, 11, 23, 12, 31), tick=False):
        services.sla_timer_check(timer_id=timer(email_ticket).pk)
    with time_machine.travel(at(2026, 11, 23, 12, 40), tick=False):
        services.ticket_sla_extend(ticket=email_ticket, actor=supervisor, minutes=120, reason="系统故障")
        api_client.force_authenticate(supervisor)
        body = api_client.get(f"/api/v1/tickets/{email_ticket.pk}/sla/").json()
    first = body["targets"]["first_response"]
    assert first["breached_at"] is None and first["first_breached_at"].startswith("2026-11-23T12:31")


@pytest.mark.django_db
def test_refresh_sees_a_policy_changed_behind_its_back_and_costs_one_query(email_ticket, django_assert_max_num_queries):
    with time_machine.travel(FRIDAY_1730, tick=False):
        services.ticket_sla_refresh(ticket=email_ticket)
        with django_assert_max_num_queries(1):
            services.ticket_sla_refresh(ticket=email_ticket)  # unchanged: timers with the state and policy fingerprint
        SLAPolicy.objects.filter(pk=email_ticket.sla.policy_id).update(first_response_value=8)
        services.ticket_sla_refresh(ticket=email_ticket)
    assert timer(email_ticket).due_at == at(2026, 11, 23, 16, 30)


@pytest.mark.django_db
def test_a_batch_of_checks_takes_the_same_queries_for_twenty_timers_as_for_two(sla_defaults, agent, supervisor, team):
    from django.test.utils import CaptureQueriesContext

    SLAPolicy.objects.update(raise_priority=False, move_to_supervisor=False)  # a breach that moves no ticket
    with time_machine.travel(FRIDAY_1730, tick=False):
        tickets = [ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject=f"批量 {i}",
                                 channel="email", assignee=agent) for i in range(22)]
    ids = [timer(ticket).pk for ticket in tickets]
    with time_machine.travel(at(2026, 11, 23, 12, 31), tick=False):
        with CaptureQueriesContext(connection) as two:
            assert services.sla_timers_check(timer_ids=ids[:2]) == {ids[0]: "breach", ids[1]: "breach"}
        with CaptureQueriesContext(connection) as twenty:
            assert set(services.sla_timers_check(timer_ids=ids[2:]).values()) == {"breach"}
        assert services.sla_timers_check(timer_ids=ids) == {}  # checked: nothing is due any more
    assert len(twenty) == len(two)
    assert TicketEvent.objects.filter(kind="sla_breach").count() == 22
    assert Notification.objects.filter(kind="sla_breach", recipient=agent).count() == 22
    assert Notification.objects.filter(kind="sla_breach", recipient=supervisor).count() == 22
