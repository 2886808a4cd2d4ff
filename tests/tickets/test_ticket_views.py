"""The inbox and the ticket list, built-in and saved views with their counts, and reply drafts."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from sla.models import TicketSLATimer
from tests.factories import TicketFactory, UserFactory
from helpdesk.roles import Role
from tickets import services
from tickets.models import ReplyDraft, SavedView, TicketMessage
from tickets.selectors import ticket_view_counts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def _timer(ticket, *, due_in_minutes, breached=False):
    now = timezone.now()
    return TicketSLATimer.objects.create(
        ticket=ticket, target="resolution", started_at=now - dt.timedelta(hours=1),
        due_at=now + dt.timedelta(minutes=due_in_minutes), breached_at=now if breached else None)


def test_inbox_is_the_work_queue_and_sorts_by_the_soonest_deadline(client_for, agent, team):
    colleague = UserFactory(username="t-colleague", role=Role.AGENT, teams=[team])
    later = TicketFactory(team=team, subject="晚到期", assignee=agent, status="open")
    sooner = TicketFactory(team=team, subject="早到期", status="new")
    no_deadline = TicketFactory(team=team, subject="无时限", assignee=agent, status="open")
    TicketFactory(team=team, subject="同事的", assignee=colleague, status="open")
    TicketFactory(team=team, subject="已解决", assignee=agent, status="resolved")
    _timer(later, due_in_minutes=120)
    _timer(sooner, due_in_minutes=10)
    client = client_for(agent)
    newest_first = client.get("/inbox/")
    assert [t.subject for t in newest_first.context["tickets"]] == [no_deadline.subject, sooner.subject, later.subject]
    response = client.get("/inbox/", {"ordering": "sla_due"})
    assert [t.subject for t in response.context["tickets"]] == [sooner.subject, later.subject, no_deadline.subject]
    html = response.content.decode()
    assert "我的收件箱" in html and "全部工单" in html  # the heading, and the way to the full list


def test_ticket_list_is_everything_newest_activity_first(client_for, agent, team):
    TicketFactory(team=team, subject="已解决", status="resolved")
    TicketFactory(team=team, subject="同事的", assignee=UserFactory(username="t-c2", role=Role.AGENT, teams=[team]))
    response = client_for(agent).get("/tickets/")
    subjects = [t.subject for t in response.context["tickets"]]
    assert subjects == ["同事的", "已解决"]
    html = response.content.decode()
    assert "---------" not in html and "全部类型" in html and 'type="date"' not in html and "data-datepicker" in html


def test_inbox_view_tab_replaces_the_default_queue(client_for, agent, team):
    TicketFactory(team=team, subject="等客户", assignee=agent, status="pending_customer")
    colleague = UserFactory(username="t-c3", role=Role.AGENT, teams=[team])
    TicketFactory(team=team, subject="团队的", assignee=colleague, status="open")
    response = client_for(agent).get("/inbox/?view=team")
    assert {t.subject for t in response.context["tickets"]} == {"等客户", "团队的"}


def test_active_filters_are_chips_that_remove_one_value(client_for, agent, team):
    response = client_for(agent).get("/tickets/?status=open&status=pending_customer&priority=high&kind=complaint")
    chips = {(chip["name"], chip["url"]) for chip in response.context["active_filters"]}
    assert ("status", "?status=pending_customer&priority=high&kind=complaint") in chips
    assert ("kind", "?status=open&status=pending_customer&priority=high") in chips
    html = response.content.decode()
    assert "清除全部" in html and 'value="open" checked' in html


def test_bad_typed_date_is_a_field_error_not_a_500(client_for, agent, team):
    TicketFactory(team=team)
    response = client_for(agent).get("/tickets/?created_after=2026-13-45")
    assert response.status_code == 200
    assert response.context["filterset"].errors and list(response.context["tickets"]) == []


def test_built_in_views_count_team_overdue_and_drafts(agent, team, other_team):
    colleague = UserFactory(username="t-c4", role=Role.AGENT, teams=[team])
    overdue = TicketFactory(team=team, assignee=colleague, status="open")
    breached = TicketFactory(team=team, status="open")
    TicketFactory(team=other_team, status="open")
    drafted = TicketFactory(team=team, status="resolved")
    _timer(overdue, due_in_minutes=-5)
    _timer(breached, due_in_minutes=30, breached=True)
    ReplyDraft.objects.create(ticket=drafted, author=agent, body="还没写完")
    ReplyDraft.objects.create(ticket=overdue, author=colleague, body="同事的草稿")
    counts = ticket_view_counts(user=agent)
    assert counts["team"] == 2 and counts["overdue"] == 2 and counts["drafts"] == 1 and counts["unassigned"] == 1


def test_counts_are_capped_and_cached_until_forgotten(client_for, agent, team):
    for _ in range(101):
        TicketFactory(team=team, assignee=agent, status="open")
    client = client_for(agent)
    assert "99+" in client.get("/inbox/").content.decode()
    assert ticket_view_counts(user=agent)["mine"] == 100


def test_saving_a_view_lists_it_with_its_count_and_deleting_it(client_for, agent, team):
    TicketFactory(team=team, status="open", priority="high")
    TicketFactory(team=team, status="open", priority="low")
    client = client_for(agent)
    response = client.post("/tickets/?status=open&priority=high&cursor=", {"name": "紧急处理中"})
    assert response.status_code == 302
    saved = SavedView.objects.get(user=agent)
    assert saved.query == "status=open&priority=high"
    page = client.get("/inbox/")
    own = page.context["own_views"]
    assert own == [{"pk": saved.pk, "label": "紧急处理中", "url": "/tickets/?status=open&priority=high",
                    "current": False, "count": 1}]
    assert client.post(f"/tickets/views/{saved.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()
    assert client.get("/inbox/").context["own_views"] == []


@pytest.mark.parametrize("name, query, field", [
    ("", "status=open", "name"),
    ("x" * 41, "status=open", "name"),
    ("重复", "status=open", "name"),
    ("坏日期", "created_after=yesterday", "query"),
    ("坏状态", "status=lost", "query"),
])
def test_saving_a_view_refuses_bad_input_with_400(client_for, agent, team, name, query, field):
    SavedView.objects.create(user=agent, name="重复", query="")
    response = client_for(agent).post(f"/tickets/?{query}", {"name": name})
    assert response.status_code == 400
    assert field in response.context["save_errors"]
    assert SavedView.objects.filter(user=agent).count() == 1


def test_another_users_saved_view_cannot_be_deleted(client_for, agent, team):
    other = UserFactory(username="t-c5", role=Role.AGENT, teams=[team])
    saved = SavedView.objects.create(user=other, name="别人的", query="")
    assert client_for(agent).post(f"/tickets/views/{saved.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=saved.pk).exists()


def test_reply_draft_is_saved_restored_and_dropped_when_sent(client_for, agent, team):
    ticket = TicketFactory(team=team, assignee=agent, status="open")
    client = client_for(agent)
    response = client.post(f"/tickets/{ticket.pk}/draft/", {"body": "您好，正在核实", "internal": "1"})
    assert response.status_code == 200 and response.json()["saved"] is True
    assert ticket_view_counts(user=agent)["drafts"] == 1
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "您好，正在核实</textarea>" in page and 'data-testid="reply-internal" checked' in page
    client.post(f"/tickets/{ticket.pk}/reply/", {"body": "您好，已为您补发"})
    assert not ReplyDraft.objects.exists()
    assert ticket.messages.filter(sender=TicketMessage.Sender.AGENT).count() == 1


def test_reply_draft_empty_body_deletes_and_too_long_is_400(client_for, agent, team):
    ticket = TicketFactory(team=team, assignee=agent, status="open")
    client = client_for(agent)
    client.post(f"/tickets/{ticket.pk}/draft/", {"body": "草稿"})
    assert client.post(f"/tickets/{ticket.pk}/draft/", {"body": "  "}).json()["saved"] is False
    assert not ReplyDraft.objects.exists()
    response = client.post(f"/tickets/{ticket.pk}/draft/", {"body": "长" * 20001})
    assert response.status_code == 400 and "body" in response.json()


def test_reply_through_the_service_drops_only_the_authors_draft(agent, team):
    ticket = TicketFactory(team=team, assignee=agent, status="open")
    colleague = UserFactory(username="t-c6", role=Role.AGENT, teams=[team])
    services.reply_draft_save(ticket=ticket, author=agent, body="我的")
    services.reply_draft_save(ticket=ticket, author=colleague, body="同事的")
    services.ticket_message_add(ticket=ticket, actor=agent, body="发出", sender=TicketMessage.Sender.AGENT)
    assert list(ReplyDraft.objects.values_list("author", flat=True)) == [colleague.pk]


def test_api_lists_views_with_counts_and_saves_and_deletes_own(api, agent, team):
    TicketFactory(team=team, status="open", priority="urgent")
    client = api(agent)
    created = client.post("/api/v1/ticket-views/", {"name": "加急", "query": "priority=urgent"}, format="json")
    assert created.status_code == 201 and created.json()["count"] == 1
    views = client.get("/api/v1/ticket-views/").json()
    assert [v["key"] for v in views][:7] == ["mine", "team", "unassigned", "waiting", "escalated", "overdue", "drafts"]
    assert views[-1] == {"id": created.json()["id"], "key": f"saved-{created.json()['id']}", "name": "加急",
                         "query": "priority=urgent", "is_builtin": False, "count": 1, "count_label": "1"}
    assert client.delete(f"/api/v1/ticket-views/{created.json()['id']}/").status_code == 204
    assert not SavedView.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"query": "status=open"}, "name"),
    ({"name": "", "query": "status=open"}, "name"),
    ({"name": "坏", "query": "created_before=tomorrow"}, "query"),
    ({"name": "已有"}, "name"),
])
def test_api_refuses_bad_saved_views_with_400(api, agent, team, body, field):
    SavedView.objects.create(user=agent, name="已有", query="")
    response = api(agent).post("/api/v1/ticket-views/", body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_api_cannot_delete_another_users_view(api, agent, team):
    other = UserFactory(username="t-c7", role=Role.AGENT, teams=[team])
    saved = SavedView.objects.create(user=other, name="别人的", query="")
    assert api(agent).delete(f"/api/v1/ticket-views/{saved.pk}/").status_code == 404


def test_inbox_pages_through_the_queue_in_deadline_order(client_for, agent, team):
    tickets = [TicketFactory(team=team, assignee=agent, status="open") for _ in range(30)]
    for minutes, ticket in enumerate(tickets[:5]):
        _timer(ticket, due_in_minutes=minutes + 1)
    client = client_for(agent)
    first = client.get("/inbox/", {"ordering": "sla_due"})
    assert [t.pk for t in first.context["tickets"]][:5] == [t.pk for t in tickets[:5]]
    second = client.get(first.context["next_link"])
    seen = [t.pk for t in first.context["tickets"]] + [t.pk for t in second.context["tickets"]]
    assert second.status_code == 200 and sorted(seen) == sorted(t.pk for t in tickets)
