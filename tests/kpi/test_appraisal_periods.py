"""Quarter and year scorecards: rollups of the monthly final scores, ranking, Service Star and the HR export."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from helpdesk.roles import Role
from kpi import services
from kpi.models import PeriodScorecard, Scorecard, ScorecardScheme
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


@pytest.fixture
def scheme():
    scheme = ScorecardScheme.objects.get()
    scheme.star_min_volume = 10  # 30 tickets over a quarter
    scheme.save()
    return scheme


def card(scheme, agent, month, *, volume, final, team=None):
    """Store a hand-built monthly card."""
    return Scorecard.objects.create(month=month, agent=agent, team=team, scheme=scheme, volume=volume,
                                    final_score=None if final is None else Decimal(final))


def test_quarter_weights_months_by_volume_or_equally(scheme, team, agent):
    card(scheme, agent, OCT, volume=30, final="4.00", team=team)
    card(scheme, agent, NOV, volume=10, final="2.00", team=team)
    card(scheme, agent, DEC, volume=5, final=None, team=team)  # no final score yet: left out
    card(scheme, agent, dt.date(2026, 9, 1), volume=100, final="1.00", team=team)  # the previous quarter
    assert services.period_scorecards_compute(kind="quarter", day=NOV) == 1
    quarter = PeriodScorecard.objects.get(kind="quarter", agent=agent)
    # (4.00 × 30 + 2.00 × 10) / (30 + 10) = 140 / 40 = 3.50
    assert (quarter.period_start, quarter.months, quarter.volume, quarter.final_score) == (OCT, 2, 40, Decimal("3.50"))
    assert quarter.team == team and quarter.rank == 1
    scheme.quarter_weighting = "equal"
    scheme.save()
    services.period_scorecards_compute(kind="quarter", day=DEC)
    # (4.00 + 2.00) / 2 = 3.00; recomputing replaces the card
    assert PeriodScorecard.objects.get(kind="quarter", agent=agent).final_score == Decimal("3.00")


def test_year_rolls_up_every_month_with_its_own_weighting(scheme, agent):
    scheme.quarter_weighting, scheme.year_weighting = "equal", "volume"
    scheme.save()
    card(scheme, agent, dt.date(2026, 1, 1), volume=10, final="5.00")
    card(scheme, agent, dt.date(2026, 6, 1), volume=20, final="3.50")
    card(scheme, agent, NOV, volume=30, final="2.10")
    services.period_scorecards_compute(kind="year", day=dt.date(2026, 7, 15))
    year = PeriodScorecard.objects.get(kind="year")
    # (5 × 10 + 3.5 × 20 + 2.1 × 30) / 60 = (50 + 70 + 63) / 60 = 3.05
    assert (year.period_start, year.months, year.volume, year.final_score) == (dt.date(2026, 1, 1), 3, 60,
                                                                                Decimal("3.05"))


def test_ranking_and_service_star_per_period(scheme, team):
    a, b, c, small = (UserFactory(username=n, role=Role.AGENT, teams=[team]) for n in ("qa", "qb", "qc", "qs"))
    card(scheme, a, OCT, volume=20, final="4.00")
    card(scheme, a, NOV, volume=20, final="4.50")  # 4.25 over 40 tickets
    card(scheme, b, OCT, volume=15, final="4.25")
    card(scheme, b, DEC, volume=30, final="4.25")  # 4.25 over 45 tickets: the tie goes to volume
    card(scheme, c, NOV, volume=50, final="3.00")
    card(scheme, small, NOV, volume=29, final="5.00")  # best score, under 3 × 10 tickets
    services.period_scorecards_compute(kind="quarter", day=OCT)
    cards = {p.agent.username: p for p in PeriodScorecard.objects.filter(kind="quarter")}
    assert {n: (p.final_score, p.rank) for n, p in cards.items()} == {
        "qs": (Decimal("5.00"), 1), "qa": (Decimal("4.25"), 2), "qb": (Decimal("4.25"), 2), "qc": (Decimal("3.00"), 4)}
    assert [n for n, p in cards.items() if p.is_service_star] == ["qb"]
    # The monthly stars stay the months' own.
    assert not Scorecard.objects.filter(is_service_star=True).exists()


def test_recent_computes_the_running_and_the_just_ended_periods(scheme, agent):
    card(scheme, agent, DEC, volume=5, final="4.00")
    card(scheme, agent, dt.date(2027, 1, 1), volume=5, final="2.00")
    assert services.period_scorecards_compute_recent(today=dt.date(2027, 1, 3)) == 4
    assert set(PeriodScorecard.objects.values_list("kind", "period_start", "final_score")) == {
        ("quarter", OCT, Decimal("4.00")), ("year", dt.date(2026, 1, 1), Decimal("4.00")),
        ("quarter", dt.date(2027, 1, 1), Decimal("2.00")), ("year", dt.date(2027, 1, 1), Decimal("2.00"))}


def test_period_page_shows_own_team_only_and_agents_their_own(scheme, team, agent, supervisor, client_for):
    other_team = TeamFactory(name="别组", code="other-q")
    stranger = UserFactory(username="q-stranger", role=Role.AGENT, teams=[other_team])
    card(scheme, agent, NOV, volume=10, final="4.00", team=team)
    card(scheme, stranger, NOV, volume=10, final="4.50", team=other_team)
    services.period_scorecards_compute(kind="quarter", day=NOV)
    page = client_for(supervisor).get("/kpi/scorecards/", {"period": "quarter", "month": "2026-11"}).content.decode()
    assert f"<td>{agent}" in page and str(stranger) not in page
    assert '<td>2</td>' in page  # the agent's rank among all agents, the stranger being first
    page = client_for(agent).get("/kpi/scorecards/", {"period": "year", "month": "2026-11"}).content.decode()
    assert 'colspan="8"' in page  # no year cards computed: the empty row
    bad = client_for(supervisor).get("/kpi/scorecards/", {"period": "decade"})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()


def test_export_for_hr_in_csv_and_xlsx(scheme, team, agent, supervisor, client_for):
    card(scheme, agent, OCT, volume=30, final="4.00", team=team)
    card(scheme, agent, NOV, volume=10, final="2.00", team=team)
    services.period_scorecards_compute(kind="quarter", day=NOV)
    client = client_for(supervisor)
    response = client.get("/kpi/scorecards/export/", {"period": "quarter", "month": "2026-10", "file_format": "csv"})
    assert response.status_code == 200 and 'filename="scorecards-2026-Q4.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2][0] == "1" and rows[2][3:6] == ["2", "40", "3.50"]
    response = client.get("/kpi/scorecards/export/", {"period": "month", "month": "2026-11"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[2][0] == 1 and values[2][3:6] == [1, 10, 2]
    assert client.get("/kpi/scorecards/export/", {"period": "week"}).status_code == 400
    assert client.get("/kpi/scorecards/export/", {"file_format": "pdf"}).status_code == 400
    assert client_for(agent).get("/kpi/scorecards/export/").status_code == 403
