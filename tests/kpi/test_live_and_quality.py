import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from kpi.services import ticket_facts_rebuild
from kpi.live import live_board_compute
from kpi.models import QualityCheckItem, QualityInspection
from sla.models import TicketSLATimer
from tests.factories import CustomerFactory, TeamFactory, TicketFactory
from tests.kpi.conftest import at

pytestmark = pytest.mark.django_db


def test_live_board_counts_open_tickets_risks_and_breaches_of_the_scope(team, other_team):
    mine = [TicketFactory(team=team, status=s) for s in ("new", "open", "open", "resolved")]
    TicketFactory(team=other_team, status="open")
    TicketSLATimer.objects.create(ticket=mine[1], target="resolution", started_at=at(1, 9), warned_at=at(1, 10))
    TicketSLATimer.objects.create(ticket=mine[2], target="resolution", started_at=at(1, 9), breached_at=at(1, 11))
    TicketSLATimer.objects.create(ticket=mine[3], target="resolution", started_at=at(1, 9), breached_at=at(1, 11))
    board = live_board_compute(scope=[team.pk])
    assert board["open_total"] == 3
    assert {r["status"]: r["count"] for r in board["open_by_status"]}["open"] == 2
    assert (board["sla_at_risk"], board["sla_breached"]) == (1, 1)  # the resolved ticket's breach is history
    assert live_board_compute(scope=None)["open_total"] == 4


def test_live_board_ages_the_open_backlog(team):
    for day in (20, 19, 17, 10, 1):
        with time_machine.travel(at(day, 12), tick=False):
            TicketFactory(team=team, status="open")
    with time_machine.travel(at(20, 18), tick=False):
        board = live_board_compute(scope=[team.pk])
    assert [row["count"] for row in board["ageing"]] == [1, 1, 1, 2]


def test_live_board_counts_overdue_follow_ups_of_the_scope(team, other_team):
    from tests.factories.followups import FollowUpVisitFactory

    FollowUpVisitFactory(team=team, due_at=at(2, 9))
    FollowUpVisitFactory(team=team, due_at=at(2, 9), status="done")
    FollowUpVisitFactory(team=other_team, due_at=at(2, 9))
    FollowUpVisitFactory(team=team, due_at=at(3, 9))
    with time_machine.travel(at(2, 12), tick=False):
        assert live_board_compute(scope=[team.pk])["followups_overdue"] == 1


def test_live_board_counts_waiting_chats_and_agents_present(team, other_team, agent):
    from chat.models import AgentPresence, ChatSession, ChatWidget

    widget = ChatWidget.objects.create(name="店铺", team=team)
    with time_machine.travel(at(2, 10), tick=False):
        ChatSession.objects.create(widget=widget, team=team, status="waiting", waiting_since=at(2, 10))
    ChatSession.objects.create(widget=widget, team=team, status="active", agent=agent)
    ChatSession.objects.create(widget=widget, team=other_team, status="waiting", waiting_since=at(2, 10))
    AgentPresence.objects.create(user=agent, status="online")
    with time_machine.travel(at(2, 10, 2), tick=False):
        board = live_board_compute(scope=[team.pk])
    assert (board["chats_waiting"], board["chats_active"], board["chat_longest_wait_seconds"]) == (1, 1, 120)
    assert (board["agents_online"], board["agents_away"]) == (1, 0)


def test_live_board_page_refreshes_with_htmx(client_for, supervisor, team):
    cache.clear()
    TicketFactory(team=team, status="new")
    client = client_for(supervisor)
    page = client.get("/kpi/live/").content.decode()
    assert 'hx-trigger="every 10s"' in page and 'data-testid="live-board"' in page
    fragment = client.get("/kpi/live/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="live-board"')


@pytest.fixture
def sampled(no_sla_policies, story, team):
    ticket = story(CustomerFactory(), team, [("create", at(2, 10)), ("agent", at(2, 10, 10))])
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    return ticket


def test_supervisor_samples_and_inspects_and_the_agent_sees_it(sampled, client_for, supervisor, agent):
    client = client_for(supervisor)
    page = client.get("/kpi/quality/", {"sample": 1, "date_from": "2026-11-01", "date_to": "2026-11-30"})
    assert f"/kpi/quality/inspect/{sampled.pk}/" in page.content.decode()
    items = QualityCheckItem.objects.filter(is_active=True)
    incomplete = client.post(f"/kpi/quality/inspect/{sampled.pk}/", {f"item_{items[0].pk}": "5"})
    assert incomplete.status_code == 400 and not QualityInspection.objects.exists()
    data = {f"item_{item.pk}": "4" for item in items} | {"comment": "问候语可以更热情"}
    assert client.post(f"/kpi/quality/inspect/{sampled.pk}/", data).status_code == 302
    inspection = QualityInspection.objects.get()
    assert inspection.score_percent == 80 and inspection.agent == agent
    again = client.post(f"/kpi/quality/inspect/{sampled.pk}/", data)
    assert again.status_code == 400 and QualityInspection.objects.count() == 1
    mine = client_for(agent).get("/kpi/quality/mine/").content.decode()
    assert "问候语可以更热情" in mine and "80" in mine
    assert "/kpi/quality/inspect/" not in client.get(
        "/kpi/quality/", {"sample": 1, "date_from": "2026-11-01", "date_to": "2026-11-30"}).content.decode()


def test_inspecting_another_teams_conversation_is_404(sampled, client_for):
    from helpdesk.roles import Role
    from tests.factories import UserFactory

    outsider = UserFactory(username="sup-x", role=Role.SUPERVISOR, teams=[TeamFactory(code="x-team")])
    assert client_for(outsider).get(f"/kpi/quality/inspect/{sampled.pk}/").status_code == 404
