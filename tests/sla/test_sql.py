"""The SLA refresh's read: timers with the ticket's SLA state and the policy fingerprint."""

import pytest

from sla import sql
from sla.models import SLAPolicy, TicketSLA, TicketSLATimer
from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_timers_carry_the_state_and_fingerprint_in_one_statement(sla_defaults, django_assert_num_queries):
    ticket = TicketFactory()
    policy = SLAPolicy.objects.order_by("pk").first()
    TicketSLA.objects.create(ticket=ticket, policy=policy, is_held=True, held_reason="等待物流")
    TicketSLATimer.objects.create(ticket=ticket, target="first_response", started_at=ticket.created_at)
    TicketSLATimer.objects.create(ticket=ticket, target="resolution", started_at=ticket.created_at)
    with django_assert_num_queries(1):
        timers = sql.timers_with_state(ticket.pk)
    assert sorted(t.target for t in timers) == ["first_response", "resolution"]
    assert {tuple(t.sla_state) for t in timers} == {(policy.pk, True, "等待物流")}
    assert timers[0].sla_fingerprint == sql.state_and_fingerprint(ticket.pk)[3]


def test_fingerprint_changes_with_any_policy_write(sla_defaults):
    ticket = TicketFactory()
    before = sql.state_and_fingerprint(ticket.pk)[3]
    assert before and before == sql.state_and_fingerprint(ticket.pk)[3]
    policy = SLAPolicy.objects.order_by("pk").first()
    SLAPolicy.objects.filter(pk=policy.pk).update(first_response_value=policy.first_response_value)  # same value, new row
    changed = sql.state_and_fingerprint(ticket.pk)[3]
    assert changed != before
    SLAPolicy.objects.filter(pk=policy.pk).delete()
    assert sql.state_and_fingerprint(ticket.pk)[3] not in (before, changed)


def test_a_ticket_without_state_or_timers(sla_defaults):
    ticket = TicketFactory()
    TicketSLA.objects.filter(ticket=ticket).delete()
    TicketSLATimer.objects.filter(ticket=ticket).delete()
    assert sql.timers_with_state(ticket.pk) == []
    policy_id, is_held, held_reason, fingerprint = sql.state_and_fingerprint(ticket.pk)
    assert (policy_id, is_held, held_reason) == (None, None, None) and fingerprint
