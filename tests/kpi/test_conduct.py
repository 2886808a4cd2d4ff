"""Conduct records: who records and reads them, the three-strike flag, training notes on scorecards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from helpdesk.roles import Role
from kpi import services
from kpi.models import ConductRecord, Scorecard, ScorecardScheme, TrainingNote
from kpi.selectors import conduct_list_for_user, conduct_strikes
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


def violation(actor, agent, day, category="attitude"):
    return services.conduct_record_create(actor=actor, agent=agent, kind="violation", category=category,
                                          date=dt.date(2026, 11, day), note="语气生硬")


@pytest.fixture
def stranger():
    return UserFactory(username="c-stranger", role=Role.AGENT, teams=[TeamFactory(name="别组", code="other-c")])


def test_supervisor_records_for_own_team_only(team, agent, supervisor, stranger, manager):
    record = services.conduct_record_create(actor=supervisor, agent=agent, kind="commendation", category="attitude",
                                            date=dt.date(2026, 11, 3), note="客户表扬",
                                            evidence_url="https://example.com/chat/1")
    assert (record.team, record.recorded_by) == (team, supervisor)
    with pytest.raises(PermissionDenied):
        violation(supervisor, stranger, 4)
    with pytest.raises(PermissionDenied):
        violation(agent, stranger, 4)  # agents record nothing
    with pytest.raises(PermissionDenied):
        violation(supervisor, supervisor, 4)  # nor anyone about themselves
    assert violation(manager, stranger, 4).team_id == stranger.team_ids[0]


def test_agents_read_their_own_record_only(team, agent, supervisor, stranger, manager):
    colleague = UserFactory(username="c-colleague", role=Role.AGENT, teams=[team])
    own, theirs = violation(supervisor, agent, 5), violation(supervisor, colleague, 5)
    elsewhere = violation(manager, stranger, 5)
    assert list(conduct_list_for_user(user=agent)) == [own]
    assert set(conduct_list_for_user(user=supervisor)) == {own, theirs}
    assert set(conduct_list_for_user(user=manager)) == {own, theirs, elsewhere}


def test_three_violations_of_one_category_in_the_period_flag(team, agent, supervisor):
    violation(supervisor, agent, 2)
    violation(supervisor, agent, 12)
    violation(supervisor, agent, 20, category="timeliness")  # another category
    services.conduct_record_create(actor=supervisor, agent=agent, kind="violation", category="attitude",
                                   date=dt.date(2026, 10, 31), note="上月")  # another month
    end = dt.date(2026, 12, 1)
    assert conduct_strikes(agent_ids=[agent.pk], first=NOV, end=end) == {}
    violation(supervisor, agent, 30)
    assert conduct_strikes(agent_ids=[agent.pk], first=NOV, end=end) == {agent.pk: [str(ConductRecord.Category.ATTITUDE.label)]}
    # Over the quarter the October one counts too, still one category.
    assert len(conduct_strikes(agent_ids=[agent.pk], first=dt.date(2026, 10, 1), end=dt.date(2027, 1, 1))[agent.pk]) == 1


def test_pages_record_flag_and_show_training_to_the_agent(team, agent, supervisor, stranger, client_for):
    scheme = ScorecardScheme.objects.get()
    card = Scorecard.objects.create(month=NOV, agent=agent, team=team, scheme=scheme, volume=5,
                                    final_score=Decimal("3.00"))
    client = client_for(supervisor)
    for day in (3, 4, 5):
        response = client.post("/kpi/conduct/", {"agent": agent.pk, "kind": "violation", "category": "language",
                                                 "date": f"2026-11-0{day}", "note": "使用禁语",
                                                 "evidence_url": "https://example.com/t/9"})
        assert response.status_code == 302
    assert ConductRecord.objects.filter(agent=agent).count() == 3
    bad = client.post("/kpi/conduct/", {"agent": stranger.pk, "kind": "violation", "category": "language",
                                        "date": "2026-11-05", "note": "x"})
    assert bad.status_code == 400 and not ConductRecord.objects.filter(agent=stranger).exists()
    assert client.post("/kpi/conduct/", {"agent": agent.pk, "kind": "odd", "category": "language",
                                         "date": "2026-13-01", "note": ""}).status_code == 400
    page = client.get("/kpi/scorecards/", {"month": "2026-11"}).content.decode()
    assert page.count('data-testid="strike-flag"') == 1
    services.period_scorecards_compute(kind="quarter", day=NOV)
    quarter = client.get("/kpi/scorecards/", {"period": "quarter", "month": "2026-10"}).content.decode()
    assert quarter.count('data-testid="strike-flag"') == 1
    response = client.post(f"/kpi/scorecards/{card.pk}/", {"as": "training", "topic": "服务用语规范",
                                                           "due_date": "2026-12-15"})
    assert response.status_code == 302 and TrainingNote.objects.get().created_by == supervisor
    assert client.post(f"/kpi/scorecards/{card.pk}/", {"as": "training", "topic": "",
                                                       "due_date": "x"}).status_code == 400
    agent_client = client_for(agent)
    page = agent_client.get(f"/kpi/scorecards/{card.pk}/").content.decode()
    assert "服务用语规范" in page and "2026-12-15" in page and 'data-testid="strike-flag"' in page
    assert agent_client.post("/kpi/conduct/", {"agent": agent.pk, "kind": "commendation", "category": "language",
                                               "date": "2026-11-05", "note": "自夸"}).status_code == 403
    assert agent_client.post(f"/kpi/scorecards/{card.pk}/", {"as": "training", "topic": "自学",
                                                             "due_date": "2026-12-15"}).status_code == 403


URL = "/api/v1/conduct/"


def test_the_api_lists_what_each_reader_may_read(team, agent, supervisor, stranger, manager, api):
    own = violation(supervisor, agent, 3)
    elsewhere = violation(manager, stranger, 4)
    ids = lambda user: [row["id"] for row in api(user).get(URL).json()["results"]]  # noqa: E731
    assert ids(agent) == [own.pk]
    assert ids(supervisor) == [own.pk]
    assert ids(manager) == [elsewhere.pk, own.pk]  # newest day first
    assert [r["id"] for r in api(manager).get(URL, {"agent": agent.pk}).json()["results"]] == [own.pk]
    assert api(manager).get(URL, {"date_from": "2026-11-04", "kind": "violation"}).json()["results"][0]["id"] == \
        elsewhere.pk
    assert api(manager).get(URL, {"kind": "odd"}).status_code == 400


def test_the_api_records_for_the_supervisors_teams_with_field_errors(team, agent, supervisor, stranger, api):
    body = {"agent": agent.pk, "kind": "violation", "category": "language", "date": "2026-11-05",
            "note": "使用了禁用语", "evidence_url": "https://example.com/chat/9"}
    created = api(supervisor).post(URL, body, format="json")
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("agent", "team", "kind", "category", "date", "recorded_by")} == {
        "agent": agent.pk, "team": team.pk, "kind": "violation", "category": "language", "date": "2026-11-05",
        "recorded_by": supervisor.pk}
    foreign = api(supervisor).post(URL, {**body, "agent": stranger.pk}, format="json")
    assert foreign.status_code == 400 and list(foreign.json()) == ["agent"]
    bad = api(supervisor).post(URL, {**body, "kind": "odd", "date": "11/05", "note": ""}, format="json")
    assert bad.status_code == 400 and {"kind", "date", "note"} <= set(bad.json())
    assert api(agent).post(URL, body, format="json").status_code == 403
    assert ConductRecord.objects.count() == 1
