import pytest

from tests.factories import CustomerFactory
from tickets.models import Ticket
from tickets.services import ticket_create


@pytest.mark.django_db
def test_inbox_and_ticket_page_show_live_countdowns(client_for, agent, team):
    ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="退款没到账",
                           channel=Ticket.Channel.EMAIL)
    client = client_for(agent)
    inbox = client.get("/inbox/").content.decode()
    assert 'data-testid="sla-countdown"' in inbox
    due_soonest = client.get("/inbox/", {"ordering": "sla_due"})
    assert due_soonest.status_code == 200 and ticket.number in due_soonest.content.decode()
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="ticket-sla"' in page and "处理时限" in page
