import pytest

from tests.factories import CustomerFactory
from tickets.models import Ticket, TicketEvent, TicketMessage
from tickets.services import ticket_create, ticket_message_add


@pytest.mark.django_db
def test_create_numbers_the_ticket_and_records_intake(agent, team):
    ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="物流太慢")
    assert ticket.number.startswith("T") and len(ticket.number) == 11
    assert ticket.status == Ticket.Status.NEW
    assert list(ticket.events.values_list("kind", "actor")) == [(TicketEvent.Kind.CREATED, agent.pk)]


@pytest.mark.django_db
def test_first_agent_reply_sets_first_response_once(agent, team):
    ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="咨询")
    ticket_message_add(ticket=ticket, actor=agent, body="内部备注", sender=TicketMessage.Sender.AGENT, is_internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    first = ticket_message_add(ticket=ticket, actor=agent, body="您好", sender=TicketMessage.Sender.AGENT)
    ticket_message_add(ticket=ticket, actor=agent, body="还有什么可以帮您？", sender=TicketMessage.Sender.AGENT)
    ticket.refresh_from_db()
    assert ticket.first_response_at == first.created_at
