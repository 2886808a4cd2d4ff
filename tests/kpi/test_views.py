import datetime as dt
import re

import pytest
import time_machine

from kpi.services import ticket_facts_rebuild
from tests.factories import CustomerFactory
from tests.kpi.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tickets(no_sla_policies, story, team):
    story(CustomerFactory(), team, [("create", at(2, 10)), ("agent", at(2, 10, 10)), ("resolve", at(2, 10, 20))],
          channel="chat", kind="complaint")
    story(CustomerFactory(), team, [("create", at(3, 10))], channel="email")
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))


PERIOD = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def test_dashboard_shows_every_metric_with_a_drill_down(two_tickets, client_for, supervisor):
    client = client_for(supervisor)
    response = client.get("/kpi/", PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-metric="first_contact_resolution_rate"' in html
    assert "/kpi/drill/first_contact_resolution_rate/?" in html
    assert 'id="kpi-charts"' in html


def test_drill_down_lists_the_tickets_behind_the_numerator_and_the_denominator(two_tickets, client_for, supervisor):
    client = client_for(supervisor)
    numerator = client.get("/kpi/drill/first_response_time_mean/", PERIOD).content.decode()
    volume = client.get("/kpi/drill/consultation_volume/", {**PERIOD, "part": "denominator"}).content.decode()
    ticket_links = re.compile(r'href="/tickets/\d+/"')
    assert len(ticket_links.findall(numerator)) == 1
    assert len(ticket_links.findall(volume)) == 2


def test_bad_period_on_the_page_is_shown_and_defaults_apply(client_for, supervisor):
    response = client_for(supervisor).get("/kpi/", {"date_from": "2026-11-30", "date_to": "2026-11-01"})
    assert response.status_code == 200
    assert 'data-testid="kpi-errors"' in response.content.decode()


def test_unknown_metric_is_404_and_agents_are_refused(client_for, supervisor, agent):
    assert client_for(supervisor).get("/kpi/drill/nonsense/").status_code == 404
    assert client_for(agent).get("/kpi/").status_code == 403


def test_csat_drills_down_to_the_survey_responses(two_tickets, client_for, supervisor, agent, team):
    from decimal import Decimal

    import time_machine

    from followups.models import Survey, SurveyResponse
    from tickets.models import Ticket

    ticket = Ticket.objects.first()
    survey = Survey.objects.create(customer=ticket.customer, ticket=ticket, agent=agent, team=team, expires_at=at(30, 0))
    with time_machine.travel(at(5, 9), tick=False):
        SurveyResponse.objects.create(survey=survey, customer=ticket.customer, ticket=ticket, agent=agent, team=team,
                                      overall=4, score=Decimal("4.30"), comment="回复很快")
    client = client_for(supervisor)
    assert "/kpi/drill/csat/?" in client.get("/kpi/", PERIOD).content.decode()
    page = client.get("/kpi/drill/csat/", PERIOD).content.decode()
    assert "回复很快" in page and f'href="/tickets/{ticket.pk}/"' in page


def test_order_based_rates_drill_to_the_orders_and_returns_lists(two_tickets, client_for, manager):
    import html as html_lib

    from orders.models import ReturnRequest
    from tests.factories import OrderFactory

    client = client_for(manager)
    page = html_lib.unescape(client.get("/kpi/", PERIOD).content.decode())
    returns_link = re.search(r'href="(/returns/\?[^"]+)"', page).group(1)
    assert "kind=return" in returns_link and "submitted_after=2026-11-01" in returns_link
    assert "status=cancelled" not in returns_link
    assert re.search(r'href="/orders/\?delivered_after=2026-11-01[^"]*"', page)
    assert re.search(r'href="/orders/\?placed_after=2026-11-01[^"]*"', page)
    order = OrderFactory(placed_at=at(3, 9))
    with time_machine.travel(at(4, 9), tick=False):
        kept = ReturnRequest.objects.create(number="R-DRILL-1", order=order, customer=order.customer, reason="quality")
    with time_machine.travel(at(2, 9, month=12), tick=False):  # after the period
        ReturnRequest.objects.create(number="R-DRILL-2", order=order, customer=order.customer, reason="quality")
    listing = client.get(returns_link).content.decode()
    assert kept.number in listing and "R-DRILL-2" not in listing
