"""Complaint handling time by step: median and p90 business minutes spent in each step, per team, from the step times."""

import datetime as dt

import pytest
import time_machine

from kpi import services
from kpi.models import Report, StepFact
from kpi.reports import report_sections
from kpi.selectors import kpi_facts_for_viewer, kpi_step_times
from tests.factories import TeamFactory, TicketFactory
from tests.kpi.conftest import at
from tickets.models import TicketStep

pytestmark = pytest.mark.django_db
NOVEMBER = {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}


def complaint(team, created, *steps):
    """Create a complaint at ``created`` whose steps complete at the given instants, in order."""
    with time_machine.travel(created, tick=False):
        ticket = TicketFactory(team=team, kind="complaint", status="open")
    for step, completed_at in steps:
        TicketStep.objects.create(ticket=ticket, step=step, completed_at=completed_at)
    return ticket


@pytest.fixture
def month(no_sla_policies, team):
    """Complaints created Monday 2 November 09:00, measured on the KPI calendar (08:00–24:00 every day).

    team: intake after 10, 20, 30 min; classification 30, 90, 10 min after intake; investigation 120 min, and
    from 10:50 to 09:00 the next day = 790 + 60 = 850 business minutes (the night 00:00–08:00 is closed).
    other team: intake after 5 min.
    """
    other = TeamFactory(code="other-step-times")
    start = at(2, 9)
    complaint(team, start, ("intake", at(2, 9, 10)), ("classification", at(2, 9, 40)),
              ("investigation", at(2, 11, 40)))
    complaint(team, start, ("intake", at(2, 9, 20)), ("classification", at(2, 10, 50)),
              ("investigation", at(3, 9)))
    complaint(team, start, ("intake", at(2, 9, 30)), ("classification", at(2, 9, 40)))
    complaint(other, start, ("intake", at(2, 9, 5)))
    complaint(team, at(2, 9, month=10), ("intake", at(2, 10, month=10)))  # October: outside the period
    with time_machine.travel(at(20, 12), tick=False):
        services.ticket_facts_rebuild(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 11, 30))
    return {"other": other}


def test_each_completed_step_is_measured_from_the_step_before(month):
    times = sorted(StepFact.objects.filter(fact__created_at__gte=at(1, 0)).values_list("step", "business_minutes"))
    assert times == [("classification", 10.0), ("classification", 30.0), ("classification", 90.0),
                     ("intake", 5.0), ("intake", 10.0), ("intake", 20.0), ("intake", 30.0),
                     ("investigation", 120.0), ("investigation", 850.0)]


def test_median_and_p90_per_team_and_step(month, manager, team, django_assert_num_queries):
    """percentile_cont interpolates: p90 of 10, 20, 30 is 20 + 0.8 × 10 = 28; of 10, 30, 90 is 30 + 0.8 × 60 = 78;
    of 120 and 850 the median is 485 and the p90 120 + 0.9 × 730 = 777. Over all teams the intake's
    5, 10, 20, 30 give a median of 15 and a p90 of 20 + 0.7 × 10 = 27."""
    facts = kpi_facts_for_viewer(viewer=manager, **NOVEMBER)
    with django_assert_num_queries(2):  # the grouped percentiles, the team names
        rows = kpi_step_times(facts)
    mine = [(r["step"], r["n"], r["median"], r["p90"]) for r in rows if r["team_id"] == team.pk]
    assert mine == [("intake", 3, 20.0, 28.0), ("classification", 3, 30.0, 78.0),
                    ("investigation", 2, 485.0, 777.0)]
    theirs = [(r["step"], r["n"], r["median"], r["p90"]) for r in rows if r["team_id"] == month["other"].pk]
    assert theirs == [("intake", 1, 5.0, 5.0)]
    overall = {r["step"]: (r["n"], r["median"], r["p90"]) for r in kpi_step_times(facts, by_team=False)}
    assert overall["intake"] == (4, 15.0, 27.0)


def test_a_supervisor_reads_the_step_times_of_their_team_only(month, supervisor, team):
    rows = kpi_step_times(kpi_facts_for_viewer(viewer=supervisor, **NOVEMBER))
    assert {r["team_id"] for r in rows} == {team.pk}


def test_the_dashboard_and_the_monthly_report_show_the_step_times(month, client_for, manager, team):
    client = client_for(manager)
    page = client.get("/kpi/", {"date_from": "2026-11-01", "date_to": "2026-11-30"}).content.decode()
    # The page asks for the step times once it has loaded (hx-trigger="load"), with its filters.
    assert 'data-testid="kpi-step-times"' in page and "date_to=2026-11-30&amp;section=steps" in page
    section = client.get("/kpi/", {"date_from": "2026-11-01", "date_to": "2026-11-30", "section": "steps"})
    text = section.content.decode()
    assert section.status_code == 200 and "<html" not in text
    assert 'data-testid="kpi-step-times"' in text and "问题调查" in text
    assert "8小时5分 / 12小时57分" in text  # investigation: 485 and 777 minutes
    sections = {title: rows for title, _header, rows in
                report_sections(Report(kind="monthly", **NOVEMBER), lambda percent: None)}
    assert [team.name, "投诉受理", 3, 20.0, 28.0] in sections["投诉环节"]
    assert ["全部团队", "投诉受理", 4, 15.0, 27.0] in sections["投诉环节"]
