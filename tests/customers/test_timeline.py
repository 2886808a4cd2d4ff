"""The customer timeline shows each viewer only what they may open, and says that more exists."""

import pytest

from chat.models import ChatSession
from customers.selectors import customer_timeline
from orders.models import ShopTeam
from tests.factories import ChatWidgetFactory, TicketFactory
from tests.factories.customers import CustomerFactory
from tests.factories.followups import FollowUpVisitFactory
from tests.factories.orders import OrderFactory
from tests.factories.tickets import TicketMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(team, other_team):
    """A customer served by two teams: a ticket, message, order, chat and visit in each."""
    customer = CustomerFactory(name="周杰")
    for owner, word in ((team, "本组"), (other_team, "他组")):
        ticket = TicketFactory(customer=customer, team=owner, subject=f"{word}工单")
        TicketMessageFactory(ticket=ticket, body=f"{word}消息")
        ShopTeam.objects.create(shop=f"{word}店铺", team=owner)
        OrderFactory(customer=customer, shop=f"{word}店铺", number=f"DD-{owner.pk}")
        widget = ChatWidgetFactory(team=owner)
        ChatSession.objects.create(widget=widget, team=owner, customer=customer, visitor_name=f"{word}访客", token=f"t{owner.pk}")
        FollowUpVisitFactory(customer=customer, team=owner)
    return customer


def texts(page) -> str:
    return " ".join(f"{item['title']} {item['detail']}" for item in page["results"])


def test_an_agent_sees_their_teams_records_and_a_count_of_the_others(agent, customer):
    page = customer_timeline(viewer=agent, customer=customer, limit=100)
    seen = texts(page)
    assert "本组工单" in seen and "本组消息" in seen and "DD-" in seen
    assert "他组" not in seen
    kinds = {item["kind"] for item in page["results"]}
    assert {"ticket", "message", "order", "chat", "visit"} <= kinds
    assert page["hidden"] >= 5  # the other team's ticket, message, order, chat and visit


def test_a_manager_sees_everything_and_nothing_is_hidden(manager, customer):
    page = customer_timeline(viewer=manager, customer=customer, limit=100)
    assert "他组工单" in texts(page) and "他组消息" in texts(page)
    assert page["hidden"] == 0


def test_the_page_and_the_api_say_that_more_exists(client_for, api_client, agent, customer):
    response = client_for(agent).get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="timeline-hidden"' in body and "他组消息" not in body
    api_client.force_authenticate(agent)
    data = api_client.get(f"/api/v1/customers/{customer.pk}/timeline/?limit=100").json()
    assert data["hidden"] >= 5 and "他组" not in str(data["results"])


def test_the_timeline_reads_each_source_once_and_counts_what_is_hidden_in_one_query(agent, customer,
                                                                                   django_assert_num_queries):
    customer_timeline(viewer=agent, customer=customer)  # the viewer's permissions and teams, cached on the user
    # A page query per source the agent may open (archive, ticket, message, chat, order, return, visit,
    # message sent, shop review; survey responses are not an agent's), the shops' teams once for orders and returns
    # and once for the reviews' scope, one count of the hidden rows.
    with django_assert_num_queries(12):
        page = customer_timeline(viewer=agent, customer=customer, limit=100)
    assert page["hidden"] == 5  # the other team's ticket, message, order, chat and visit
