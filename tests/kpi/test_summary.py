import datetime as dt

import pytest
import time_machine

from helpdesk.roles import Role
from kpi.services import ticket_facts_rebuild
from kpi.models import KpiSettings
from orders.models import ReturnRequest
from sla.models import TicketSLATimer
from tests.factories import CustomerFactory, OrderFactory, TeamFactory, UserFactory
from tests.kpi.conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/kpi/summary/"


@pytest.fixture
def month(no_sla_policies, story, team):
    """Hand-built November: four tickets of the team, one of another team, orders and returns."""
    buyer = CustomerFactory()
    story(buyer, team, [("create", at(2, 10)), ("agent", at(2, 10, 10)), ("resolve", at(2, 10, 20))],
          channel="chat", kind="consultation")                                         # FRT 10, FCR
    story(CustomerFactory(), team, [("create", at(3, 10)), ("agent", at(3, 10, 30)), ("customer", at(3, 11)),
                                    ("agent", at(3, 11, 20)), ("resolve", at(3, 12))],
          channel="chat", kind="consultation")                                         # FRT 30, turns 30+20, not FCR
    complaint = story(CustomerFactory(), team, [("create", at(4, 9)), ("agent", at(4, 9, 50)), ("resolve", at(5, 9))],
                      channel="phone", kind="complaint")                               # FRT 50, FCR
    story(CustomerFactory(), team, [("create", at(5, 9))], channel="email", kind="complaint")  # no reply yet
    story(CustomerFactory(), TeamFactory(code="other-kpi"), [("create", at(5, 9)), ("agent", at(5, 9, 1))])
    TicketSLATimer.objects.create(ticket=complaint, target="resolution", started_at=at(4, 9), due_at=at(4, 18),
                                  breached_at=at(4, 18))
    # The buyer orders two days after the chat (converts); another order after 4 days would not.
    OrderFactory(customer=buyer, placed_at=at(4, 9), delivered_at=at(6, 9))
    for day in (10, 11, 12):
        OrderFactory(placed_at=at(day, 9), delivered_at=at(day + 1, 9) if day < 12 else None)
    for number, kind, status in (("R1", "return", "submitted"), ("R2", "exchange", "submitted"), ("R3", "return", "cancelled")):
        with time_machine.travel(at(7, 9), tick=False):
            ReturnRequest.objects.create(number=number, order=buyer.orders.first(), customer=buyer, kind=kind,
                                         reason="quality", status=status)
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))


def summary(client, **params):
    params = {"date_from": "2026-11-01", "date_to": "2026-11-30", **params}
    return client.get(URL, params)


def test_summary_figures_match_the_hand_worked_month(month, api_client, supervisor):
    api_client.force_authenticate(supervisor)
    with time_machine.travel(at(20, 12), tick=False):
        response = summary(api_client)
    assert response.status_code == 200, response.content
    m = response.json()["metrics"]
    assert m["consultation_volume"] == {"value": 4, "numerator": 4, "denominator": None, "unit": "count"}
    assert m["first_response_time_mean"] == {"value": 30.0, "numerator": 90.0, "denominator": 3, "unit": "minutes"}
    # 30 minutes exactly; read from the daily histogram, within its bound (2^(1/16) − 1, about 4.4 %).
    assert abs(m["first_response_time_median"]["value"] - 30.0) <= 30.0 * (2 ** (1 / 16) - 1)
    assert m["average_response_time"] == {"value": 27.5, "numerator": 110.0, "denominator": 4, "unit": "minutes"}
    assert m["first_contact_resolution_rate"] == {"value": 66.67, "numerator": 2, "denominator": 3, "unit": "percent"}
    assert m["resolution_sla_rate"]["numerator"] == 0 and m["resolution_sla_rate"]["denominator"] == 1
    assert m["complaint_timeliness_rate"] == {"value": 0.0, "numerator": 0, "denominator": 1, "unit": "percent"}
    assert m["complaint_rate"] == {"value": 50.0, "numerator": 2, "denominator": 4, "unit": "percent"}
    assert m["conversion_rate"] == {"value": 50.0, "numerator": 1, "denominator": 2, "unit": "percent"}
    # Four orders placed, three delivered in November; one return counts (not the exchange, not the cancelled).
    assert m["return_rate"] == {"value": 33.33, "numerator": 1, "denominator": 3, "unit": "percent"}


def test_summary_filters_by_channel_and_agent(month, api_client, supervisor, agent):
    api_client.force_authenticate(supervisor)
    m = summary(api_client, channel="chat").json()["metrics"]
    assert m["consultation_volume"]["value"] == 2
    m = summary(api_client, agent=agent.pk).json()["metrics"]
    assert m["consultation_volume"]["value"] == 4


def test_conversion_window_is_the_admins(month, api_client, supervisor):
    from kpi.services import fact_rollups_refresh_recent

    KpiSettings.objects.update(conversion_window_days=1)
    with time_machine.travel(at(30, 12), tick=False):
        fact_rollups_refresh_recent(days=40)  # what saving the settings in admin queues
    api_client.force_authenticate(supervisor)
    assert summary(api_client).json()["metrics"]["conversion_rate"]["numerator"] == 0


def test_a_month_without_data_gives_zeros_with_denominators(api_client, supervisor):
    api_client.force_authenticate(supervisor)
    m = summary(api_client, date_from="2025-02-01", date_to="2025-02-28").json()["metrics"]
    assert m["first_contact_resolution_rate"] == {"value": 0.0, "numerator": 0, "denominator": 0, "unit": "percent"}
    assert m["first_response_time_median"]["value"] == 0.0


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2026-11-30", "date_to": "2026-11-01"}, "date_from"),
    ({"date_from": "2025-01-01", "date_to": "2026-11-01"}, "date_to"),
    ({"team": 999999}, "team"),
    ({"agent": 999999}, "agent"),
    ({"channel": "pigeon"}, "channel"),
    ({"date_from": "yesterday"}, "date_from"),
])
def test_bad_periods_and_filters_get_400_with_the_field(api_client, supervisor, params, field):
    api_client.force_authenticate(supervisor)
    response = summary(api_client, **params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_team_outside_the_supervisors_scope_is_unknown(api_client, supervisor):
    api_client.force_authenticate(supervisor)
    assert summary(api_client, team=TeamFactory(code="not-mine").pk).status_code == 400


def test_supervisors_read_only_their_teams(month, api_client, supervisor):
    api_client.force_authenticate(supervisor)
    assert summary(api_client).json()["metrics"]["consultation_volume"]["value"] == 4
    manager = UserFactory(username="kpi-manager", role=Role.MANAGER)
    api_client.force_authenticate(manager)
    assert summary(api_client).json()["metrics"]["consultation_volume"]["value"] == 5


def test_agents_may_not_read_the_summary(api_client, agent):
    api_client.force_authenticate(agent)
    assert api_client.get(URL).status_code == 403


def test_definitions_name_every_metric_of_the_summary(api_client, supervisor):
    api_client.force_authenticate(supervisor)
    keys = [d["key"] for d in api_client.get("/api/v1/kpi/definitions/").json()]
    assert set(keys) == set(summary(api_client).json()["metrics"])


def test_rollups_equal_the_live_computation_from_facts(month):
    from kpi.selectors import (
        Median, _totals_from_facts, _totals_from_rollups, kpi_days_for_viewer, kpi_facts_for_viewer,
    )

    period = {"viewer": None, "date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}
    live = _totals_from_facts(kpi_facts_for_viewer(**period), dt.timedelta(days=3))
    rolled = _totals_from_rollups(kpi_days_for_viewer(**period))
    exact = kpi_facts_for_viewer(**period).aggregate(m=Median("first_response_minutes"))["m"]
    assert exact == 20.0 and abs(rolled.pop("frt_median") - exact) <= exact * (2 ** (1 / 16) - 1)
    assert live == rolled
    assert rolled["volume"] == 5 and rolled["converted"] == 1


def test_summary_narrowed_to_an_agent_reads_facts_and_agrees(month, api_client, supervisor, agent):
    api_client.force_authenticate(supervisor)
    by_agent = summary(api_client, agent=agent.pk).json()["metrics"]
    whole = summary(api_client).json()["metrics"]
    assert by_agent["first_response_time_mean"] == whole["first_response_time_mean"]
    assert by_agent["conversion_rate"] == whole["conversion_rate"]


def test_csat_is_the_mean_weighted_survey_score_of_the_period(month, api_client, supervisor, agent, team):
    from decimal import Decimal

    from followups.models import Survey, SurveyResponse

    customer = CustomerFactory()
    for score, day, response_team in ((Decimal("4.50"), 10, team), (Decimal("2.25"), 11, team),
                                      (Decimal("5.00"), 12, TeamFactory(code="csat-other")),
                                      (Decimal("1.00"), 12, team)):
        survey = Survey.objects.create(customer=customer, agent=agent, team=response_team, expires_at=at(30, 0))
        with time_machine.travel(at(day, 9), tick=False):
            SurveyResponse.objects.create(survey=survey, customer=customer, agent=agent, team=response_team,
                                          overall=3, score=score)
    SurveyResponse.objects.filter(score=Decimal("1.00")).update(submitted_at=at(1, 9, month=12))  # next month
    api_client.force_authenticate(supervisor)
    csat = summary(api_client).json()["metrics"]["csat"]
    # The supervisor's team only: (4.50 + 2.25) / 2; the other team's 5.00 and December's 1.00 are outside.
    assert csat == {"value": 3.38, "numerator": 6.75, "denominator": 2, "unit": "score"}
    empty = summary(api_client, date_from="2025-02-01", date_to="2025-02-28").json()["metrics"]["csat"]
    assert empty == {"value": 0.0, "numerator": 0.0, "denominator": 0, "unit": "score"}
