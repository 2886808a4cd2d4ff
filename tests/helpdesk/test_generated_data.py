"""Generated bench volumes: customers, tickets and messages inserted by SQL."""

import pytest

from customers.models import Customer, CustomerTag
from helpdesk.generated_data import generate
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.django_db


def test_generate_inserts_the_asked_volumes(team):
    steps = []
    result = generate(customers=20, tickets=30, messages_per_ticket=2, progress=lambda *step: steps.append(step))
    assert result == {"customers": 20, "tickets": 30, "messages": 60}
    assert Customer.objects.count() == 20 and Ticket.objects.count() == 30 and TicketMessage.objects.count() == 60
    assert not CustomerTag.objects.exists() and not Customer.objects.exclude(tags=[]).exists()
    assert set(Ticket.objects.values_list("customer_id", flat=True)) <= set(Customer.objects.values_list("pk", flat=True))
    assert not Ticket.objects.filter(team__isnull=True).exists()
    assert ("customers", 20, 20) in steps and ("tickets", 30, 30) in steps
