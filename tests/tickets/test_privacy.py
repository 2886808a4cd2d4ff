"""Personal data in tickets' text: masked on the page and in the API for agents, revealed per message with a reason."""

import pytest

from customers.models import PiiReveal, PrivacyPolicy
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = "收不到货，电话13800138000，地址上海市浦东新区张江路123号5栋301室"
MESSAGE = "请发到 zhang.san@example.com，身份证11010519491231002X，订单R2612050006"


@pytest.fixture
def ticket(team):
    ticket = TicketFactory(team=team, customer=CustomerFactory(), description=DESCRIPTION)
    ticket.message = TicketMessageFactory(ticket=ticket, sender="customer", body=MESSAGE)
    ticket.reply = TicketMessageFactory(ticket=ticket, sender="agent", body="好的，已登记")
    return ticket


def test_ticket_page_masks_free_text_for_an_agent(client_for, agent, ticket):
    page = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    for secret in ("13800138000", "张江路123号", "zhang.san@", "11010519491231002X"):
        assert secret not in page
    assert "138****8000" in page and "z***@example.com" in page and "110***********002X" in page
    assert "R2612050006" in page and "好的，已登记" in page
    assert page.count('data-testid="reveal-message"') == 2  # the description and the customer's message, not the reply
    ticket.message.refresh_from_db()
    assert ticket.message.body == MESSAGE  # masked on display only


def test_ticket_page_shows_free_text_to_a_supervisor(client_for, supervisor, ticket):
    page = client_for(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "13800138000" in page and "zhang.san@example.com" in page and 'data-testid="reveal-message"' not in page


def test_ticket_api_masks_description_and_messages_for_an_agent(api_client, agent, supervisor, ticket):
    api_client.force_authenticate(agent)
    detail = api_client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert "13800138000" not in detail["description"] and detail["description_is_masked"] is True
    messages = api_client.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"]
    assert [(m["body"], m["is_masked"]) for m in messages] == [
        ("请发到 z***@example.com，身份证110***********002X，订单R2612050006", True), ("好的，已登记", False)]
    api_client.force_authenticate(supervisor)
    assert api_client.get(f"/api/v1/tickets/{ticket.pk}/").json()["description"] == DESCRIPTION
    assert api_client.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"][0]["body"] == MESSAGE


def test_an_agents_own_reply_is_masked_in_the_answer_too(api_client, agent, ticket):
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "已回电13800138000", "internal": True},
                               format="json")
    assert response.status_code == 201 and response.json()["body"] == "已回电138****8000"


def test_agent_reveals_one_message_through_the_api_audited(api_client, agent, ticket):
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/tickets/{ticket.pk}/reveal/", {"message": ticket.message.pk, "reason": "核对身份"},
                               format="json")
    assert response.status_code == 200 and response.json() == {"message": ticket.message.pk, "body": MESSAGE}
    reveal = PiiReveal.objects.get(viewer=agent)
    assert (reveal.customer_id, reveal.field, reveal.reason) == (ticket.customer_id, "message", "核对身份")
    assert reveal.source == f"{ticket.number} #{ticket.message.pk}"
    description = api_client.post(f"/api/v1/tickets/{ticket.pk}/reveal/", {"reason": "回电"}, format="json")
    assert description.json() == {"message": None, "body": DESCRIPTION}
    assert PiiReveal.objects.filter(viewer=agent, source=ticket.number).count() == 1


def test_reveal_needs_a_reason_and_a_message_of_this_ticket(api_client, agent, ticket, team):
    api_client.force_authenticate(agent)
    url = f"/api/v1/tickets/{ticket.pk}/reveal/"
    assert "reason" in api_client.post(url, {"message": ticket.message.pk, "reason": "  "}, format="json").json()
    elsewhere = TicketMessageFactory(ticket=TicketFactory(team=team))
    response = api_client.post(url, {"message": elsewhere.pk, "reason": "看看"}, format="json")
    assert response.status_code == 400 and "message" in response.json()
    assert api_client.post(url, {"message": "x", "reason": "看看"}, format="json").status_code == 400
    assert not PiiReveal.objects.exists()


def test_reveal_of_another_teams_ticket_is_404(api_client, agent, other_team):
    hidden = TicketFactory(team=other_team, description=DESCRIPTION)
    api_client.force_authenticate(agent)
    assert api_client.post(f"/api/v1/tickets/{hidden.pk}/reveal/", {"reason": "看看"}, format="json").status_code == 404


def test_reveal_is_refused_when_the_policy_forbids_it(api_client, agent, ticket):
    PrivacyPolicy.objects.all().delete()
    PrivacyPolicy.objects.create(allow_agent_reveal=False)
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/tickets/{ticket.pk}/reveal/", {"reason": "看看"}, format="json")
    assert response.status_code == 403 and not PiiReveal.objects.exists()


def test_message_and_field_reveals_share_the_hourly_limit(api_client, agent, supervisor, ticket, settings):
    settings.PII_REVEALS_PER_HOUR = 2
    api_client.force_authenticate(agent)
    field = api_client.post(f"/api/v1/customers/{ticket.customer_id}/reveal/", {"field": "phone", "reason": "回电"},
                            format="json")
    url = f"/api/v1/tickets/{ticket.pk}/reveal/"
    first = api_client.post(url, {"message": ticket.message.pk, "reason": "回电"}, format="json")
    refused = api_client.post(url, {"reason": "回电"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (field.status_code, first.status_code, refused.status_code) == (200, 200, 429)
    assert "Ask a supervisor" in refused.json()["detail"] and int(refused.headers["Retry-After"]) >= 1
    assert api_client.post(f"/api/v1/customers/{ticket.customer_id}/reveal/", {"field": "email", "reason": "回电"},
                           format="json").status_code == 429
    api_client.force_authenticate(supervisor)
    assert api_client.post(url, {"reason": "回电"}, format="json").status_code == 200


def test_agent_reveals_a_message_on_the_page(client_for, agent, ticket):
    client = client_for(agent)
    url = f"/tickets/{ticket.pk}/reveal/"
    shown = client.post(url, {"message": ticket.message.pk, "reason": "核对"}, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200
    assert "zhang.san@example.com" in shown.content.decode() and 'data-testid="revealed-message"' in shown.content.decode()
    assert PiiReveal.objects.filter(viewer=agent, field="message").count() == 1
    missing = client.post(url, {"message": ticket.message.pk, "reason": ""})
    assert missing.status_code == 400 and "zhang.san@" not in missing.content.decode()
    assert "z***@example.com" in missing.content.decode()
    assert client.post(url, {"message": 10**12, "reason": "核对"}).status_code == 404
    assert PiiReveal.objects.filter(viewer=agent).count() == 1


def test_reveal_page_says_when_the_hourly_limit_is_reached(client_for, agent, ticket, settings):
    settings.PII_REVEALS_PER_HOUR = 1
    client = client_for(agent)
    assert client.post(f"/tickets/{ticket.pk}/reveal/", {"reason": "核对"}).status_code == 200
    refused = client.post(f"/tickets/{ticket.pk}/reveal/", {"reason": "核对"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429 and "Ask a supervisor" in refused.content.decode()
    assert "13800138000" not in refused.content.decode()
