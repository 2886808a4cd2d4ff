import datetime as dt

import pytest
import time_machine

from helpdesk.models import BusinessCalendar
from kpi.facts import ticket_facts_refresh
from kpi.models import FactCursor, KpiSettings, TicketFact
from kpi.services import ticket_facts_sweep_changed
from sla.models import SLAPolicy
from tests.factories import CustomerFactory
from tests.kpi.conftest import at
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def fact_of(ticket) -> TicketFact:
    ticket_facts_refresh(ticket_ids=[ticket.pk])
    return TicketFact.objects.get(pk=ticket.pk)


def test_response_times_count_business_minutes_of_the_online_service_calendar(no_sla_policies, story, team):
    # Online service works 08:00–24:00: a message at 23:50 answered at 08:10 waited 10 + 10 minutes.
    ticket = story(CustomerFactory(), team, [
        ("create", at(2, 10)), ("agent", at(2, 10, 30)), ("note", at(2, 10, 40)),
        ("customer", at(2, 23, 50)), ("customer", at(2, 23, 55)), ("agent", at(3, 8, 10)),
    ])
    fact = fact_of(ticket)
    assert fact.first_response_minutes == pytest.approx(30)
    assert fact.responses == 2
    assert fact.response_minutes_total == pytest.approx(50)
    assert fact.agent_replies == 2
    assert fact.resolved_at is None and not fact.is_first_contact_resolution


def test_without_a_kpi_calendar_response_times_are_calendar_minutes(no_sla_policies, story, team):
    KpiSettings.objects.update(calendar=None)
    ticket = story(CustomerFactory(), team, [("create", at(2, 23, 50)), ("agent", at(3, 8, 10))])
    assert fact_of(ticket).first_response_minutes == pytest.approx(8 * 60 + 20)


def test_a_policy_with_business_units_measures_on_its_own_calendar(story, team):
    back_office = BusinessCalendar.objects.get(code="china-back-office")  # Mon–Fri 09:00–18:00 with holidays
    SLAPolicy.objects.all().delete()
    SLAPolicy.objects.create(name="后台", calendar=back_office, first_response_value=8, first_response_unit="business_hours")
    # Friday 17:30 → Monday 09:45 is 30 + 45 business minutes.
    ticket = story(CustomerFactory(), team, [("create", at(6, 17, 30)), ("agent", at(9, 9, 45))])
    fact = fact_of(ticket)
    assert fact.first_response_minutes == pytest.approx(75)
    assert fact.sla_first_response_met is True


def test_first_contact_resolution_needs_one_answer_and_no_reopening(no_sla_policies, story, team):
    one_answer = story(CustomerFactory(), team, [("create", at(2, 10)), ("agent", at(2, 10, 5)), ("resolve", at(2, 10, 6))])
    two_answers = story(CustomerFactory(), team, [
        ("create", at(2, 10)), ("agent", at(2, 10, 5)), ("customer", at(2, 11)), ("agent", at(2, 11, 5)),
        ("resolve", at(2, 11, 6)),
    ])
    reopened = story(CustomerFactory(), team, [
        ("create", at(2, 10)), ("agent", at(2, 10, 5)), ("resolve", at(2, 10, 6)), ("reopen", at(2, 12)),
        ("resolve", at(2, 12, 5)),
    ])
    assert fact_of(one_answer).is_first_contact_resolution is True
    assert fact_of(two_answers).is_first_contact_resolution is False
    fact = fact_of(reopened)
    assert fact.is_reopened and not fact.is_first_contact_resolution and fact.resolved_at is not None


def test_sweep_refreshes_changed_tickets_once_and_moves_its_cursor(no_sla_policies, story, team):
    ticket = story(CustomerFactory(), team, [("create", at(2, 10))])
    with time_machine.travel(at(2, 10, 10), tick=False):
        assert ticket_facts_sweep_changed() == 1
    assert FactCursor.objects.get(name="tickets").position == at(2, 10, 8)  # two minutes back for late commits
    assert TicketFact.objects.get(pk=ticket.pk).first_response_at is None
    story_ticket = Ticket.objects.get(pk=ticket.pk)
    with time_machine.travel(at(2, 10, 20), tick=False):
        from tickets import services
        services.ticket_message_add(ticket=story_ticket, actor=None, body="回复", sender="agent")
    with time_machine.travel(at(2, 10, 30), tick=False):
        assert ticket_facts_sweep_changed() == 1
        assert ticket_facts_sweep_changed() == 0
    assert TicketFact.objects.get(pk=ticket.pk).first_response_minutes == pytest.approx(20)


def test_sweep_with_a_full_batch_resumes_after_the_last_ticket_read(no_sla_policies, story, team):
    first = story(CustomerFactory(), team, [("create", at(2, 10))])
    second = story(CustomerFactory(), team, [("create", at(2, 11))])
    with time_machine.travel(at(3, 10), tick=False):
        assert ticket_facts_sweep_changed(limit=1) == 1
        assert set(TicketFact.objects.values_list("pk", flat=True)) == {first.pk}
        assert ticket_facts_sweep_changed(limit=1) == 1
        assert set(TicketFact.objects.values_list("pk", flat=True)) == {first.pk, second.pk}
