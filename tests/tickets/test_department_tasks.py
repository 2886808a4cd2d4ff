"""Department tasks (部门任务): routed to the department's team, claimed, completed with a note, swept once each."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.roles import Role
from sla import services as sla_services
from sla.models import Notification
from tests.factories import TeamFactory, TicketFactory, UserFactory
from tickets import services
from tickets.models import DepartmentTeam, InternalTask, TicketEvent
from tickets.selectors import department_team_ids_forget
from tickets.services import ClaimConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_minutes(settings):
    settings.TASKS_WARN_BEFORE_MINUTES = 60
    settings.TASKS_ESCALATE_AFTER_MINUTES = 120
    return settings


@pytest.fixture
def warehouse(db):
    team = TeamFactory(name="仓储测试", code="warehouse-test")
    lead = UserFactory(username="wh-lead", role=Role.SUPERVISOR)
    team.supervisor = lead
    team.save(update_fields=["supervisor"])
    UserFactory(username="wh-1", role=Role.AGENT, teams=[team])
    UserFactory(username="wh-2", role=Role.AGENT, teams=[team])
    DepartmentTeam.objects.create(department=InternalTask.Department.WAREHOUSE, team=team)
    department_team_ids_forget()  # the navigation's cache outlives the rolled-back rows of earlier tests
    return team


@pytest.fixture
def logistics(db):
    team = TeamFactory(name="物流测试", code="logistics-test")
    UserFactory(username="lg-1", role=Role.AGENT, teams=[team])
    DepartmentTeam.objects.create(department=InternalTask.Department.LOGISTICS, team=team)
    department_team_ids_forget()
    return team


@pytest.fixture
def complaint(team, agent):
    return TicketFactory(team=team, assignee=agent, kind="complaint")


def user(name):
    from helpdesk.models import User

    return User.objects.get(username=name)


def task_for(complaint, agent, *, hours=3, department="warehouse"):
    return services.internal_task_create(ticket=complaint, actor=agent, title="核查同批次包装", department=department,
                                         due_at=timezone.now() + dt.timedelta(hours=hours))


def notified(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# Services: routing, claiming, completing.

def test_a_task_goes_to_the_departments_team_and_its_members_are_told(complaint, agent, warehouse, settings_minutes):
    task = task_for(complaint, agent)
    assert task.team == warehouse
    assert notified("task") == ["wh-1", "wh-2"]
    note = Notification.objects.filter(kind="task").first()
    assert complaint.number in note.text and note.link == reverse("tickets:task_queue")
    task.refresh_from_db()
    assert task.next_check_at == task.due_at - dt.timedelta(minutes=60)


def test_a_task_given_at_creation_tells_only_its_assignee(complaint, agent, warehouse):
    services.internal_task_create(ticket=complaint, actor=agent, title="核查", department="warehouse",
                                  assignee=user("wh-2"))
    assert notified("task") == ["wh-2"]


def test_a_department_without_a_team_tells_nobody_and_a_past_due_time_is_refused(complaint, agent):
    from django.core.exceptions import ValidationError

    task = services.internal_task_create(ticket=complaint, actor=agent, title="核查", department="product")
    assert task.team is None and not Notification.objects.exists()
    with pytest.raises(ValidationError) as refusal:
        services.internal_task_create(ticket=complaint, actor=agent, title="核查", department="warehouse",
                                      due_at=timezone.now() - dt.timedelta(minutes=1))
    assert "due_at" in refusal.value.message_dict


def test_claiming_takes_the_task_once_and_records_it(complaint, agent, warehouse):
    task = task_for(complaint, agent)
    services.internal_task_claim(task=task, actor=user("wh-1"))
    task.refresh_from_db()
    assert task.assignee == user("wh-1")
    assert TicketEvent.objects.filter(ticket=complaint, kind=TicketEvent.Kind.TASK_ASSIGNED).count() == 1
    with pytest.raises(ClaimConflict):
        services.internal_task_claim(task=task, actor=user("wh-2"))


def test_a_task_is_given_only_to_its_teams_people(complaint, agent, warehouse, logistics):
    from django.core.exceptions import ValidationError

    task = task_for(complaint, agent)
    with pytest.raises(ValidationError) as refusal:
        services.internal_task_assign(task=task, actor=user("wh-lead"), assignee=user("lg-1"))
    assert "assignee" in refusal.value.message_dict
    services.internal_task_assign(task=task, actor=user("wh-lead"), assignee=user("wh-2"))
    assert Notification.objects.filter(kind="task", recipient__username="wh-2").count() == 2  # created, then given


def test_completing_tells_the_tickets_agent_with_the_note(complaint, agent, warehouse):
    task = task_for(complaint, agent)
    services.internal_task_set_done(task=task, actor=user("wh-1"), is_done=True, note="已补发，单号 SF123")
    task.refresh_from_db()
    assert task.is_done and task.done_by == user("wh-1") and task.done_note == "已补发，单号 SF123"
    assert task.next_check_at is None
    done = Notification.objects.get(kind="task_done")
    assert done.recipient == agent and "SF123" in done.text
    event = TicketEvent.objects.get(ticket=complaint, kind=TicketEvent.Kind.TASK_DONE)
    assert "SF123" in event.note and event.actor == user("wh-1")


# The sweep: warning, overdue, escalation, each exactly once, in a constant number of queries.

def test_the_sweep_warns_marks_overdue_and_escalates_each_once(complaint, agent, warehouse, settings_minutes):
    task = task_for(complaint, agent, hours=3)
    due = task.due_at
    Notification.objects.all().delete()
    check = lambda now: sla_services.internal_tasks_check(task_ids=[task.pk], now=now)  # noqa: E731

    assert check(due - dt.timedelta(hours=2)) == {}  # not yet due for its warning
    assert check(due - dt.timedelta(minutes=30)) == {task.pk: "warning"}
    assert check(due - dt.timedelta(minutes=20)) == {}
    assert notified("task_warning") == ["wh-1", "wh-2"]
    assert check(due + dt.timedelta(minutes=1)) == {task.pk: "overdue"}
    assert check(due + dt.timedelta(minutes=2)) == {}
    assert notified("task_overdue") == ["t-agent", "wh-1", "wh-2"]
    assert check(due + dt.timedelta(minutes=121)) == {task.pk: "escalated"}
    assert check(due + dt.timedelta(hours=5)) == {}
    assert notified("task_escalated") == ["wh-lead"]
    kinds = list(TicketEvent.objects.filter(ticket=complaint, kind__startswith="task_").values_list("kind", flat=True))
    assert sorted(kinds) == ["task_escalated", "task_overdue", "task_warning"]
    task.refresh_from_db()
    assert task.next_check_at is None and task.warned_at and task.overdue_at and task.escalated_at


def test_the_sweep_leaves_a_done_task_alone(complaint, agent, warehouse, settings_minutes):
    task = task_for(complaint, agent, hours=3)
    services.internal_task_set_done(task=task, actor=user("wh-1"), is_done=True)
    assert sla_services.internal_tasks_check(task_ids=[task.pk], now=task.due_at + dt.timedelta(hours=9)) == {}
    assert not Notification.objects.filter(kind__in=["task_warning", "task_overdue", "task_escalated"]).exists()


def test_the_sweep_of_a_batch_takes_as_many_queries_as_of_one(complaint, agent, warehouse, logistics, settings_minutes):
    def queries(count):
        tasks = [task_for(complaint, agent, hours=1, department=("warehouse", "logistics")[n % 2]) for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            outcomes = sla_services.internal_tasks_check(task_ids=[t.pk for t in tasks],
                                                         now=timezone.now() + dt.timedelta(hours=2))
        assert set(outcomes.values()) == {"overdue"}
        return len(captured)

    assert queries(1) == queries(6)


def test_the_sweeper_finds_only_due_tasks(complaint, agent, warehouse, settings_minutes, monkeypatch):
    soon, later = task_for(complaint, agent, hours=1), task_for(complaint, agent, hours=5)
    sent = []
    monkeypatch.setattr("sla.tasks.internal_task_checks_enqueue", lambda ids, expires: sent.extend(ids))
    assert sla_services.internal_task_sweep_due(now=timezone.now() + dt.timedelta(minutes=1)) == 1
    assert sent == [soon.pk] and later.pk not in sent


# The API: the queue of one's departments, claim, done; 400s and scope.

def test_the_api_lists_my_departments_open_tasks(api, complaint, agent, warehouse, logistics):
    mine, theirs = task_for(complaint, agent), task_for(complaint, agent, department="logistics")
    listed = api(user("wh-1")).get("/api/v1/tasks/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [mine.pk]
    assert listed.json()["results"][0]["ticket_number"] == complaint.number
    assert api(user("lg-1")).get("/api/v1/tasks/").json()["results"][0]["id"] == theirs.pk


def test_a_member_of_another_department_can_neither_see_nor_complete(api, complaint, agent, warehouse, logistics):
    task = task_for(complaint, agent)
    client = api(user("lg-1"))
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/api/v1/tasks/{task.pk}/done/", {"note": "x"}, format="json").status_code == 404
    assert client.post(f"/api/v1/tasks/{task.pk}/claim/", format="json").status_code == 404
    task.refresh_from_db()
    assert not task.is_done and task.assignee is None


def test_claim_and_done_through_the_api(api, complaint, agent, warehouse):
    task = task_for(complaint, agent)
    client = api(user("wh-1"))
    claimed = client.post(f"/api/v1/tasks/{task.pk}/claim/", format="json")
    assert claimed.status_code == 200 and claimed.json()["assignee"] == user("wh-1").pk
    assert api(user("wh-2")).post(f"/api/v1/tasks/{task.pk}/claim/", format="json").status_code == 409
    done = client.post(f"/api/v1/tasks/{task.pk}/done/", {"note": "已处理"}, format="json")
    assert done.status_code == 200 and done.json()["is_done"] and done.json()["done_note"] == "已处理"
    assert client.get("/api/v1/tasks/?show=done").json()["results"][0]["id"] == task.pk


@pytest.mark.parametrize("path, body, field", [
    ("done", {"note": 12}, "note"),
    ("done", {"note": "x" * 2001}, "note"),
    ("assign", {}, "assignee"),
    ("assign", {"assignee": "abc"}, "assignee"),
])
def test_bad_input_is_a_400_naming_the_field(api, complaint, agent, warehouse, path, body, field):
    task = task_for(complaint, agent)
    response = api(user("wh-1")).post(f"/api/v1/tasks/{task.pk}/{path}/", body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_giving_to_someone_outside_the_team_is_a_400(api, complaint, agent, warehouse, logistics):
    task = task_for(complaint, agent)
    response = api(user("wh-lead")).post(f"/api/v1/tasks/{task.pk}/assign/", {"assignee": user("lg-1").pk}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()


def test_an_unknown_filter_value_is_a_400(api, warehouse):
    assert api(user("wh-1")).get("/api/v1/tasks/?show=everything").status_code == 400


# The queue page.

def test_the_queue_lists_overdue_first_then_by_due_time_without_a_query_per_row(client, complaint, agent, warehouse):
    late, later, soon = (task_for(complaint, agent, hours=h) for h in (1, 9, 2))
    InternalTask.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(user("wh-1"))
    client.get(reverse("tickets:task_queue"))  # the session and the shell's cached parts, read once
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("tickets:task_queue"))
    assert page.status_code == 200
    assert [task.pk for task in page.context["rows"]] == [late.pk, soon.pk, later.pk]
    html = page.content.decode()
    assert complaint.number in html and "仓储测试" in html
    for _n in range(5):
        task_for(complaint, agent, hours=4)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("tickets:task_queue"))
    assert len(more) == len(few)


def test_the_queue_filters_and_completes_in_place(client, complaint, agent, warehouse):
    task = task_for(complaint, agent)
    client.force_login(user("wh-1"))
    assert [t.pk for t in client.get(reverse("tickets:task_queue") + "?show=unassigned").context["rows"]] == [task.pk]
    assert client.get(reverse("tickets:task_queue") + "?show=mine").context["rows"] == []
    client.post(reverse("tickets:task_action", args=[task.pk, "claim"]))
    assert [t.pk for t in client.get(reverse("tickets:task_queue") + "?show=mine").context["rows"]] == [task.pk]
    client.post(reverse("tickets:task_action", args=[task.pk, "done"]), {"note": "补发完成"})
    assert client.get(reverse("tickets:task_queue")).context["rows"] == []
    assert [t.pk for t in client.get(reverse("tickets:task_queue") + "?show=done").context["rows"]] == [task.pk]
    assert Notification.objects.get(kind="task_done").recipient == agent


def test_the_queue_is_in_the_navigation_of_department_people_only(client, agent, warehouse, manager):
    from helpdesk.navigation import nav_items_for

    assert "tasks" in [item.key for item in nav_items_for(user("wh-1"))]
    assert "tasks" in [item.key for item in nav_items_for(user("wh-lead"))]
    assert "tasks" in [item.key for item in nav_items_for(manager)]
    assert "tasks" not in [item.key for item in nav_items_for(agent)]


def test_another_departments_task_cannot_be_completed_from_the_page(client, complaint, agent, warehouse, logistics):
    task = task_for(complaint, agent)
    client.force_login(user("lg-1"))
    assert client.post(reverse("tickets:task_action", args=[task.pk, "done"])).status_code == 404
    task.refresh_from_db()
    assert not task.is_done
