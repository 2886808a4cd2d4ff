import pytest

from channels.models import PhoneCall, TicketEmail
from channels.services import phone_call_log
from customers.models import CustomerContact
from sla.models import TicketSLATimer
from tests.factories import CustomerFactory, TicketFactory
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.django_db


def _customer_with_phone(number="13800138000"):
    customer = CustomerFactory(phone=number)
    CustomerContact.objects.get_or_create(customer=customer, kind="phone", normalized=number,
                                          defaults={"value": number, "is_primary": True})
    return customer


def test_talked_incoming_call_opens_a_phone_ticket_for_the_caller_found_by_number(agent, sla_defaults):
    customer = _customer_with_phone()
    call = phone_call_log(actor=agent, direction="in", number="+86 138 0013 8000", wait_seconds=8, talk_seconds=95,
                          notes="问发货时间", kind=Ticket.Kind.CONSULTATION)
    ticket = call.ticket
    assert ticket.channel == Ticket.Channel.PHONE and ticket.customer == customer
    assert call.normalized_number == "13800138000"
    assert call.message.sender == TicketMessage.Sender.AGENT and "1:35" in call.message.body
    assert "138****8000" in call.message.body and "13800138000" not in call.message.body + ticket.subject
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert TicketSLATimer.objects.get(ticket=ticket, target="first_response").met_at is not None


def test_missed_incoming_call_waits_for_a_call_back(agent, sla_defaults):
    call = phone_call_log(actor=agent, direction="in", number="13900139000", wait_seconds=40, talk_seconds=0)
    assert call.message.sender == TicketMessage.Sender.CUSTOMER
    call.ticket.refresh_from_db()
    assert call.ticket.first_response_at is None
    timer = TicketSLATimer.objects.get(ticket=call.ticket, target="first_response")
    assert timer.due_at is not None and timer.met_at is None


def test_call_on_an_existing_email_ticket_is_not_mailed_and_unanswered_outgoing_is_a_note(agent, team):
    ticket = TicketFactory(team=team, channel=Ticket.Channel.EMAIL, customer=_customer_with_phone())
    call = phone_call_log(actor=agent, ticket=ticket, direction="out", number="13800138000", talk_seconds=30)
    assert call.ticket == ticket and Ticket.objects.count() == 1
    assert not TicketEmail.objects.exists()
    missed = phone_call_log(actor=agent, ticket=ticket, direction="out", number="13800138000", talk_seconds=0)
    assert missed.message.is_internal


@pytest.mark.parametrize("bad", [{"number": "12"}, {"direction": "sideways"}, {"wait_seconds": -1}, {"talk_seconds": 10**12}])
def test_bad_call_is_a_validation_error(agent, bad):
    from django.core.exceptions import ValidationError

    kwargs = {"direction": "in", "number": "13800138000", **bad}
    with pytest.raises(ValidationError) as error:
        phone_call_log(actor=agent, **kwargs)
    assert set(bad) <= set(error.value.message_dict)
    assert not PhoneCall.objects.exists()


# API

def test_api_logs_a_call_and_lists_it(api_client, agent):
    api_client.force_authenticate(agent)
    response = api_client.post("/api/v1/phone-calls/", {"direction": "in", "number": "13800138000", "talk_seconds": 60,
                                                        "notes": "退货咨询", "kind": "after_sales"}, format="json")
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(number=response.json()["ticket_number"])
    assert ticket.channel == "phone" and ticket.team.code == "aftersales"
    assert api_client.get("/api/v1/phone-calls/").json()["results"] == []  # routed to a team the agent is not in
    again = api_client.post("/api/v1/phone-calls/", {"direction": "out", "number": "13800138000", "talk_seconds": 5,
                                                     "ticket": ticket.pk}, format="json")
    assert again.status_code == 404  # not the agent's ticket


def test_api_on_own_ticket(api_client, agent, team):
    ticket = TicketFactory(team=team)
    api_client.force_authenticate(agent)
    response = api_client.post("/api/v1/phone-calls/", {"direction": "out", "number": "13800138000", "talk_seconds": 5,
                                                        "ticket": ticket.pk}, format="json")
    assert response.status_code == 201
    listed = api_client.get("/api/v1/phone-calls/").json()["results"]
    assert [c["ticket"] for c in listed] == [ticket.pk]
    assert listed[0]["number"] == "138****8000" == response.json()["number"]  # agents see it masked


@pytest.mark.parametrize("payload", [
    {"direction": "in", "number": "abc"},
    {"direction": "in", "number": "13800138000", "wait_seconds": 10**20},
    {"direction": "in", "number": "13800138000", "ticket": 10**30},
    {"direction": "x", "number": "13800138000"},
    {"number": "13800138000"},
    {"direction": "in", "number": "\u0000\ud7ff"},
])
def test_api_bad_input_is_400(api_client, agent, payload):
    api_client.force_authenticate(agent)
    assert api_client.post("/api/v1/phone-calls/", payload, format="json").status_code == 400


def test_ticket_page_and_standalone_page_log_calls(client_for, agent, team):
    client = client_for(agent)
    ticket = TicketFactory(team=team)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert b'data-testid="phone-call-panel"' in page.content
    client.post(f"/tickets/{ticket.pk}/call/", {"direction": "in", "number": "13800138000", "wait_seconds": 3,
                                                "talk_seconds": 20, "notes": "补充说明"})
    assert PhoneCall.objects.get().ticket == ticket
    assert client.get("/calls/new/").status_code == 200
    response = client.post("/calls/new/", {"direction": "in", "number": "13700137000", "wait_seconds": 0,
                                           "talk_seconds": 10, "kind": "consultation", "name": "钱多多"})
    assert response.status_code == 302
    assert Ticket.objects.filter(channel="phone", customer__name="钱多多").exists()
    bad = client.post("/calls/new/", {"direction": "in", "number": "1", "wait_seconds": 0, "talk_seconds": 0,
                                      "kind": "consultation"})
    assert bad.status_code == 400


def test_api_shows_the_number_in_clear_to_a_supervisor(api_client, supervisor, team):
    ticket = TicketFactory(team=team)
    api_client.force_authenticate(supervisor)
    response = api_client.post("/api/v1/phone-calls/", {"direction": "in", "number": "13800138000", "ticket": ticket.pk},
                               format="json")
    assert response.status_code == 201 and response.json()["number"] == "13800138000"
