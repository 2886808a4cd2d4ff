"""SLA API and pages: the sla block, force-majeure extend, scoping, notifications, the at-risk list."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from helpdesk.roles import Role
from sla import services
from sla.models import Notification, SLAPolicy, TicketSLATimer
from tests.factories import CustomerFactory, UserFactory
from tickets.models import Ticket
from tickets.services import ticket_create

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def ticket(sla_defaults, agent, supervisor, team):
    with time_machine.travel(dt.datetime(2026, 11, 20, 17, 30, tzinfo=SH), tick=False):
        return ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="物流太慢",
                             channel=Ticket.Channel.EMAIL, assignee=agent)


@pytest.mark.django_db
def test_sla_block_lists_every_target(api_client, agent, ticket):
    api_client.force_authenticate(agent)
    data = api_client.get(f"/api/v1/tickets/{ticket.pk}/sla/").json()
    assert data["policy"].startswith("其他渠道") and data["paused"] is False
    assert set(data["targets"]) == {"first_response", "next_response", "resolution"}
    assert data["targets"]["next_response"] is None
    assert data["targets"]["first_response"]["due_at"] == "2026-11-23T12:30:00+08:00"


@pytest.mark.django_db
def test_ticket_of_another_team_is_404(api_client, other_team, ticket):
    outsider = UserFactory(username="outsider", role=Role.AGENT, teams=[other_team])
    api_client.force_authenticate(outsider)
    assert api_client.get(f"/api/v1/tickets/{ticket.pk}/sla/").status_code == 404
    assert api_client.get("/api/v1/tickets/999999/sla/").status_code == 404


@pytest.mark.django_db
def test_supervisor_extends_through_the_api_and_agents_may_not(api_client, agent, supervisor, ticket):
    url = f"/api/v1/tickets/{ticket.pk}/sla/extend/"
    api_client.force_authenticate(agent)
    assert api_client.post(url, {"minutes": 60, "reason": "台风"}, format="json").status_code == 403
    api_client.force_authenticate(supervisor)
    bad = api_client.post(url, {"minutes": 0, "reason": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"minutes", "reason"}
    response = api_client.post(url, {"minutes": 60, "reason": "台风停运", "target": "first_response"}, format="json")
    assert response.status_code == 200
    assert response.json()["targets"]["first_response"]["due_at"] == "2026-11-23T13:30:00+08:00"
    assert response.json()["targets"]["first_response"]["is_excused"] is True


@pytest.mark.django_db
def test_pause_and_resume_through_the_api(api_client, supervisor, ticket):
    api_client.force_authenticate(supervisor)
    paused = api_client.post(f"/api/v1/tickets/{ticket.pk}/sla/pause/", {"reason": "暴雨"}, format="json").json()
    assert paused["paused"] is True and paused["held_reason"] == "暴雨"
    resumed = api_client.post(f"/api/v1/tickets/{ticket.pk}/sla/resume/").json()
    assert resumed["paused"] is False


@pytest.mark.django_db
def test_notifications_list_badge_and_read(api_client, client, agent, ticket):
    timer = TicketSLATimer.objects.get(ticket=ticket, target="first_response")
    services.sla_timer_check(timer_id=timer.pk, now=dt.datetime(2026, 11, 23, 12, 31, tzinfo=SH))
    api_client.force_authenticate(agent)
    listed = api_client.get("/api/v1/notifications/").json()["results"]
    assert [n["kind"] for n in listed] == ["sla_breach"]
    client.force_login(agent)
    page = client.get(reverse("sla:notification_list")).content.decode()
    assert ticket.number in page and 'data-testid="notifications-badge"' in page and (">通知 1<" in page or ">Notifications 1<" in page)
    assert api_client.post(f"/api/v1/notifications/{listed[0]['id']}/read/").json()["read_at"]
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_at_risk_page_orders_by_time_left_for_supervisors_only(client, agent, supervisor, ticket, team):
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=SH), tick=False):
        sooner = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="在吗", channel="chat")
    client.force_login(agent)
    assert client.get(reverse("sla:at_risk")).status_code == 403
    client.force_login(supervisor)
    response = client.get(reverse("sla:at_risk"))
    numbers = [t.ticket.number for t in response.context["timers"]]
    # The chat's first response is due Monday 09:01, the e-mail's Monday 12:30, its resolution Friday.
    assert numbers == [sooner.number, ticket.number, ticket.number]


def test_schema_lists_the_sla_endpoints(db, client, agent):
    client.force_login(agent)
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/tickets/{id}/sla/extend/" in schema["paths"]
    assert "/api/v1/notifications/" in schema["paths"]


@pytest.mark.django_db
def test_out_of_range_ids_are_404(api_client, agent):
    api_client.force_authenticate(agent)
    assert api_client.get(f"/api/v1/tickets/{10**30}/sla/").status_code == 404
    assert api_client.post(f"/api/v1/notifications/{10**30}/read/").status_code == 404


@pytest.mark.django_db
def test_policy_target_of_zero_is_rejected(sla_defaults):
    from django.core.exceptions import ValidationError

    from helpdesk.models import BusinessCalendar

    policy = SLAPolicy(name="坏策略", calendar=BusinessCalendar.objects.first(), first_response_value=0)
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "first_response_value" in error.value.message_dict


@pytest.mark.django_db
def test_policy_admin_pages_render(client, admin_user, sla_defaults):
    client.force_login(admin_user)
    assert client.get(reverse("admin:sla_slapolicy_changelist")).status_code == 200
    assert client.get(reverse("admin:sla_slapolicy_add")).status_code == 200
    policy = SLAPolicy.objects.first()
    assert client.get(reverse("admin:sla_slapolicy_change", args=[policy.pk])).status_code == 200
