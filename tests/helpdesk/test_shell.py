import pytest
from django.urls import reverse

from helpdesk.services import user_sync_staff
from helpdesk.roles import Role
from tests.factories import UserFactory
from tests.factories.helpdesk import PASSWORD

SECTIONS = ["tickets:inbox", "tickets:ticket_list", "customers:customer_list", "orders:order_list",
            "orders:return_list", "followups:visit_list"]


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("tickets:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_login_logout(client, agent):
    response = client.post(reverse("login"), {"username": agent.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tickets:inbox")
    assert response.context["user"] == agent
    response = client.post(reverse("logout"), follow=True)
    assert not response.context["user"].is_authenticated
    assert client.get(reverse("tickets:inbox")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_an_error_in_chinese(client, agent):
    response = client.post(reverse("login"), {"username": agent.username, "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "用户名" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_needs_post(client_for, agent):
    client = client_for(agent)
    assert client.get(reverse("logout")).status_code == 405


@pytest.mark.django_db
def test_shell_shows_name_role_team_in_chinese(client_for, agent, team):
    page = client_for(agent).get(reverse("tickets:inbox")).content.decode()
    assert "收件箱" in page and "客服专员" in page and team.name in page and agent.display_name in page
    assert 'data-nav="kpi"' not in page and 'data-nav="admin"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", SECTIONS)
def test_every_section_renders_for_an_agent(client_for, agent, url_name):
    response = client_for(agent).get(reverse(url_name))
    assert response.status_code == 200
    assert b'class="active"' in response.content


@pytest.mark.django_db
def test_kpi_is_for_supervisors_and_up(client_for, agent, supervisor):
    assert client_for(agent).get(reverse("kpi:dashboard")).status_code == 403
    assert client_for(supervisor).get(reverse("kpi:dashboard")).status_code == 200


@pytest.mark.django_db
def test_language_switch_to_english(client_for, agent):
    client = client_for(agent)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("tickets:inbox")}, follow=True)
    page = response.content.decode()
    assert "Inbox" in page and "Agent" in page and "收件箱" not in page


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client_for, agent):
    response = client_for(agent).get(reverse("tickets:inbox"))
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_manages_users_and_teams(client_for, admin_user, team):
    client = client_for(admin_user)
    assert client.get(reverse("admin:helpdesk_user_changelist")).status_code == 200
    assert client.get(reverse("admin:helpdesk_team_change", args=[team.pk])).status_code == 200
    response = client.post(reverse("admin:helpdesk_team_add"), {"name": "物流组", "code": "logistics", "is_active": "on", "members": [admin_user.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.django_db
def test_agent_cannot_open_admin(client_for, agent):
    response = client_for(agent).get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_staff_flag_follows_the_admin_role():
    user = UserFactory(role=Role.ADMIN)
    assert user_sync_staff(user=user) is True
    user.refresh_from_db()
    assert user.is_staff
    assert user_sync_staff(user=user) is False
    agent = UserFactory(role=Role.AGENT, is_staff=True)
    user_sync_staff(user=agent)
    agent.refresh_from_db()
    assert not agent.is_staff
