"""Step timeliness (投诉环节及时率): the share of complaint steps completed by their step deadline, per agent and team."""

import datetime as dt

import pytest
import time_machine

from helpdesk.roles import Role
from kpi import services
from kpi.facts import step_outcomes
from kpi.models import Scorecard, ScorecardScheme, TicketFact
from kpi.selectors import breakdown_rates, kpi_breakdown
from sla.models import TicketStepDeadline
from tests.factories import TeamFactory, TicketFactory, UserFactory
from tests.kpi.conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/kpi/summary/"
NOV = dt.date(2026, 11, 1)


def steps_of(ticket, *rows):
    """Give the ticket step deadlines: (step, due day, completed day or None), hours at 10:00 in November."""
    for step, due_day, done_day in rows:
        TicketStepDeadline.objects.create(ticket=ticket, step=step, due_at=at(due_day, 10),
                                          met_at=at(done_day, 10) if done_day else None)


@pytest.fixture
def month(team, agent):
    """Hand-built November, measured on the 20th:

    agent (team): 3 steps on time, 1 late, 1 overdue and open, 1 still running → 3 of 5
    second agent (team): 2 on time → 2 of 2
    other team's agent: 1 late → 0 of 1
    team 5 of 7 (71.43 %), other team 0 of 1, everyone 5 of 8 (62.5 %).
    """
    other_team = TeamFactory(code="other-steps")
    second = UserFactory(role=Role.AGENT, teams=[team])
    stranger = UserFactory(role=Role.AGENT, teams=[other_team])
    with time_machine.travel(at(2, 9), tick=False):
        first = TicketFactory(team=team, assignee=agent, kind="complaint", status="open")
        mine_too = TicketFactory(team=team, assignee=second, kind="complaint", status="open")
        theirs = TicketFactory(team=other_team, assignee=stranger, kind="complaint", status="open")
    steps_of(first, ("intake", 3, 2), ("classification", 3, 3), ("investigation", 4, 4),  # on time (at the deadline too)
             ("solution", 5, 6),                                                          # late
             ("agreement", 5, None),                                                      # overdue, open
             ("execution", 25, None))                                                     # running: not decided
    steps_of(mine_too, ("intake", 3, 2), ("classification", 4, 3))
    steps_of(theirs, ("intake", 3, 4))
    with time_machine.travel(at(20, 12), tick=False):
        services.ticket_facts_rebuild(date_from=NOV, date_to=dt.date(2026, 11, 30))
    return {"second": second, "stranger": stranger, "other_team": other_team, "first": first}


def test_facts_count_decided_and_on_time_steps(month):
    fact = TicketFact.objects.get(ticket=month["first"])
    assert (fact.steps_due, fact.steps_on_time) == (5, 3)


def test_step_outcomes_of_a_ticket():
    now = at(20, 12)
    assert step_outcomes([(at(3, 10), at(3, 10)), (at(4, 10), at(3, 10)), (None, at(5, 10)), (None, at(25, 10)),
                          (None, None)], now) == (3, 1)


def test_summary_per_team_and_per_agent(month, api_client, manager, team, agent):
    api_client.force_authenticate(manager)
    params = {"date_from": "2026-11-01", "date_to": "2026-11-30"}

    def rate(**narrow):
        return api_client.get(URL, {**params, **narrow}).json()["metrics"]["step_timeliness_rate"]

    assert rate() == {"value": 62.5, "numerator": 5, "denominator": 8, "unit": "percent"}
    assert rate(team=team.pk) == {"value": 71.43, "numerator": 5, "denominator": 7, "unit": "percent"}
    assert rate(team=month["other_team"].pk) == {"value": 0.0, "numerator": 0, "denominator": 1, "unit": "percent"}
    assert rate(agent=agent.pk) == {"value": 60.0, "numerator": 3, "denominator": 5, "unit": "percent"}
    assert rate(agent=month["second"].pk) == {"value": 100.0, "numerator": 2, "denominator": 2, "unit": "percent"}


def test_breakdown_per_agent_and_team(month, team, agent):
    facts = TicketFact.objects.all()
    by_agent = {row["agent_id"]: (row["step_on_time"], row["step_all"], breakdown_rates(row)["step_timeliness_rate"])
                for row in kpi_breakdown(facts, by="agent")}
    assert by_agent == {agent.pk: (3, 5, 60.0), month["second"].pk: (2, 2, 100.0), month["stranger"].pk: (0, 1, 0.0)}
    by_team = {row["team_id"]: breakdown_rates(row)["step_timeliness_rate"] for row in kpi_breakdown(facts, by="team")}
    assert by_team == {team.pk: 71.43, month["other_team"].pk: 0.0}


def test_scorecard_indicator_reads_step_timeliness(month, agent):
    scheme = ScorecardScheme.objects.get()
    scheme.indicators.create(name="环节及时率", source="step_timeliness_rate", weight=10, threshold_2=50,
                             threshold_3=60, threshold_4=80, threshold_5=95)
    services.scorecards_compute(month=NOV)
    indicator = next(i for i in Scorecard.objects.get(agent=agent).indicators if i["source"] == "step_timeliness_rate")
    assert (indicator["value"], indicator["score"]) == (60.0, 3)
