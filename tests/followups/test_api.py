import datetime as dt

import pytest
from django.utils import timezone

from followups.models import FollowUpVisit
from tests.factories import CustomerFactory, FollowUpVisitFactory, TeamFactory, UserFactory


@pytest.fixture
def visits(team, agent, other_team):
    now = timezone.now()
    # Due today and already due, even just after midnight (Asia/Shanghai).
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "mine_overdue": FollowUpVisitFactory(team=team, assignee=agent, due_at=now - dt.timedelta(days=2)),
        "mine_today": FollowUpVisitFactory(team=team, assignee=agent, due_at=max(today_start, now - dt.timedelta(minutes=5))),
        "mine_later": FollowUpVisitFactory(team=team, assignee=agent, due_at=now + dt.timedelta(days=3)),
        "team_open": FollowUpVisitFactory(team=team, due_at=now - dt.timedelta(hours=1)),
        "elsewhere": FollowUpVisitFactory(team=other_team, due_at=now),
    }


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_is_scoped_and_filtered(api_client, agent, visits):
    api_client.force_authenticate(agent)
    everything = _ids(api_client.get("/api/v1/followups/"))
    assert visits["elsewhere"].pk not in everything and visits["team_open"].pk in everything
    mine = _ids(api_client.get("/api/v1/followups/?assignee=me&status=pending"))
    assert mine == {visits["mine_overdue"].pk, visits["mine_today"].pk, visits["mine_later"].pk}
    due = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert _ids(api_client.get("/api/v1/followups/", {"assignee": agent.pk, "due_before": due})) == {
        visits["mine_overdue"].pk, visits["mine_today"].pk}
    assert _ids(api_client.get("/api/v1/followups/?kind=survey")) == set()
    assert _ids(api_client.get(f"/api/v1/followups/?customer={visits['team_open'].customer_id}")) == {visits["team_open"].pk}


@pytest.mark.parametrize("query", ["due_before=yesterday", "due_before=99999-01-01T00:00:00Z", "kind=nope",
                                   "customer=99999999999999999999999", "status=zzz", "customer=-1"])
def test_bad_filters_are_400(api_client, agent, visits, query):
    api_client.force_authenticate(agent)
    assert api_client.get(f"/api/v1/followups/?{query}").status_code == 400


def test_an_odd_assignee_filter_is_a_400_naming_it(api_client, agent, visits):
    api_client.force_authenticate(agent)
    for value in ("99999999999999999999", "%F0%9F%98%80", "abc"):
        response = api_client.get(f"/api/v1/followups/?assignee={value}")
        assert response.status_code == 400 and list(response.json()) == ["assignee"], value
    assert _ids(api_client.get("/api/v1/followups/?assignee=none")) == {visits["team_open"].pk}


def test_complete_then_409(api_client, agent, visits):
    api_client.force_authenticate(agent)
    url = f"/api/v1/followups/{visits['mine_today'].pk}/complete/"
    done = api_client.post(url, {"outcome": "reached", "satisfaction": 5, "notes": "很满意"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["satisfaction"] == 5
    again = api_client.post(url, {"outcome": "reached"}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize("body", [{"outcome": "maybe"}, {"outcome": "reached", "satisfaction": 9},
                                  {"outcome": "reached", "satisfaction": 2**70}, {}])
def test_complete_bad_input_is_400(api_client, agent, visits, body):
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/followups/{visits['mine_today'].pk}/complete/", body, format="json")
    assert response.status_code == 400
    assert FollowUpVisit.objects.get(pk=visits["mine_today"].pk).status == "pending"


def test_no_answer_via_api_stays_pending(api_client, agent, visits):
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/followups/{visits['mine_today'].pk}/complete/", {"outcome": "no_answer"},
                               format="json")
    assert response.status_code == 200 and response.json()["status"] == "pending" and response.json()["attempts"] == 1


def test_reschedule(api_client, agent, visits):
    api_client.force_authenticate(agent)
    url = f"/api/v1/followups/{visits['mine_today'].pk}/reschedule/"
    assert api_client.post(url, {"due_at": "2020-01-01T10:00:00+08:00"}, format="json").status_code == 400
    assert api_client.post(url, {"due_at": "not a date"}, format="json").status_code == 400
    later = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(hour=23, minute=0, second=0, microsecond=0)
    response = api_client.post(url, {"due_at": later.isoformat()}, format="json")
    assert response.status_code == 200
    due = timezone.localtime(FollowUpVisit.objects.get(pk=visits["mine_today"].pk).due_at)
    assert due.time() == dt.time(9) and due.date() == later.date() + dt.timedelta(days=1)


def test_create_ticket_then_409(api_client, agent, visits):
    api_client.force_authenticate(agent)
    url = f"/api/v1/followups/{visits['mine_today'].pk}/create_ticket/"
    created = api_client.post(url, {"subject": "回访发现商品破损"}, format="json")
    assert created.status_code == 201
    assert FollowUpVisit.objects.get(pk=visits["mine_today"].pk).created_ticket.number == created.json()["number"]
    assert api_client.post(url, {}, format="json").status_code == 409


def test_other_teams_visits_are_404(api_client, agent, visits):
    api_client.force_authenticate(agent)
    assert api_client.post(f"/api/v1/followups/{visits['elsewhere'].pk}/complete/", {"outcome": "reached"},
                           format="json").status_code == 404
    assert api_client.get("/api/v1/followups/99999999999999999999999/").status_code == 404


def test_anonymous_is_refused(api_client, visits):
    assert api_client.get("/api/v1/followups/").status_code in (401, 403)


def test_schema_lists_the_endpoints(api_client, agent):
    api_client.force_authenticate(agent)
    schema = api_client.get("/api/schema/?format=json").json()
    for path in ["/api/v1/followups/", "/api/v1/followups/{id}/complete/", "/api/v1/followups/{id}/reschedule/",
                 "/api/v1/followups/{id}/create_ticket/", "/api/v1/surveys/{token}/responses/",
                 "/api/v1/surveys/responses/"]:
        assert path in schema["paths"], path


# Pages

def test_my_followups_today_page_with_sla_colours(client_for, agent, visits):
    page = client_for(agent).get("/follow-ups/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-visit="{visits["mine_overdue"].pk}"' in html and f'data-visit="{visits["mine_later"].pk}"' not in html
    assert "sla-bad" in html and "sla-warn" in html
    team = client_for(agent).get("/follow-ups/?view=team").content.decode()
    assert f'data-visit="{visits["team_open"].pk}"' in team


def test_call_page_shows_script_and_masked_phone(client_for, agent, visits):
    visit = visits["mine_today"]
    html = client_for(agent).get(f"/follow-ups/{visit.pk}/").content.decode()
    assert visit.script in html and visit.customer.phone not in html and "****" in html


def test_complete_from_the_page(client_for, agent, visits):
    visit = visits["mine_today"]
    client = client_for(agent)
    response = client.post(f"/follow-ups/{visit.pk}/complete/", {"outcome": "reached", "satisfaction": "4", "notes": "ok"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.satisfaction) == ("done", 4)
    client.post(f"/follow-ups/{visit.pk}/complete/", {"outcome": "refused"})
    visit.refresh_from_db()
    assert visit.outcome == "reached"


def test_problem_found_from_the_page(client_for, agent, visits):
    visit = visits["mine_today"]
    client_for(agent).post(f"/follow-ups/{visit.pk}/ticket/", {"subject": "发现问题"})
    visit.refresh_from_db()
    assert visit.created_ticket.subject == "发现问题"


def test_supervisor_report_completion_and_overdue(client_for, supervisor, agent, visits):
    FollowUpVisit.objects.filter(pk=visits["mine_today"].pk).update(status="done", outcome="reached")
    html = client_for(supervisor).get("/follow-ups/report/").content.decode()
    assert str(agent) in html and "50.0 %" in html
    assert client_for(agent).get("/follow-ups/report/").status_code == 403


def test_report_counts_per_agent(supervisor, agent, visits):
    from followups.selectors import visit_report_per_agent

    rows = visit_report_per_agent(viewer=supervisor, since=timezone.now() - dt.timedelta(days=30))
    assert rows == [{"assignee_id": agent.pk, "name": str(agent.display_name), "total": 2, "done": 0, "reached": 0,
                     "overdue": 2, "completion_rate": 0.0}]


def test_manager_sees_every_team(manager, visits):
    from followups.selectors import visit_queryset_for_viewer

    assert visit_queryset_for_viewer(viewer=manager).count() == 5
    outsider = UserFactory(username="t-outsider", role="Agent", teams=[TeamFactory()])
    assert visit_queryset_for_viewer(viewer=outsider).count() == 0
    assert CustomerFactory()  # customers exist but visits stay scoped


def test_take_a_visit_from_the_team_queue(client_for, agent, team, visits):
    other = UserFactory(username="t-agent-c", role="Agent", teams=[team])
    visit = visits["team_open"]
    assert client_for(agent).post(f"/follow-ups/{visit.pk}/claim/").status_code == 302
    visit.refresh_from_db()
    assert visit.assignee == agent and visit.events.get().kind == "claimed"
    client_for(other).post(f"/follow-ups/{visit.pk}/claim/")
    visit.refresh_from_db()
    assert visit.assignee == agent
