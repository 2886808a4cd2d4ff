import datetime as dt

import pytest
from django.utils import timezone

from sla.models import TicketSLATimer
from tests.factories import CustomerFactory
from tickets.models import Ticket
from tickets.services import ticket_create


@pytest.fixture
def ticket(agent, team):
    return ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="物流慢",
                         channel=Ticket.Channel.EMAIL, kind=Ticket.Kind.COMPLAINT)


@pytest.mark.django_db
def test_ticket_detail_carries_the_sla_block(api_client, agent, ticket):
    api_client.force_authenticate(agent)
    body = api_client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert body["sla"]["policy"]
    assert body["sla"]["targets"]["first_response"]["due_at"]


@pytest.mark.django_db
def test_sla_filters_and_due_soonest_ordering(api_client, agent, team, ticket):
    later = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="发票",
                          channel=Ticket.Channel.EMAIL)
    TicketSLATimer.objects.filter(ticket=later).update(due_at=timezone.now() + dt.timedelta(days=30))
    TicketSLATimer.objects.filter(ticket=ticket).update(breached_at=timezone.now())
    api_client.force_authenticate(agent)
    breached = api_client.get("/api/v1/tickets/", {"sla_breached": "true"}).json()["results"]
    assert [row["id"] for row in breached] == [ticket.pk]
    due_soon = api_client.get("/api/v1/tickets/", {"sla_due_before": (timezone.now() + dt.timedelta(days=10)).isoformat()})
    assert [row["id"] for row in due_soon.json()["results"]] == [ticket.pk]
    ordered = api_client.get("/api/v1/tickets/", {"ordering": "sla_due"}).json()["results"]
    assert [row["id"] for row in ordered] == [ticket.pk, later.pk]


@pytest.mark.django_db
def test_customer_made_from_a_ticket_is_found_by_phone_in_any_format(api_client, agent, team):
    api_client.force_authenticate(agent)
    body = {"subject": "咨询发票", "customer_contact": {"name": "新客户", "phone": "13912340000"}}
    first = api_client.post("/api/v1/tickets/", body, format="json")
    assert first.status_code == 201, first.content
    body["customer_contact"]["phone"] = "+86 139-1234-0000"
    second = api_client.post("/api/v1/tickets/", body, format="json")
    assert second.json()["customer"] == first.json()["customer"]
    found = api_client.get("/api/v1/customers/", {"q": "139 1234 0000"}).json()["results"]
    assert [c["id"] for c in found] == [first.json()["customer"]]
