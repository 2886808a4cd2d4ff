import pytest

from routing.models import RoutingProfile, TeamRouting
from tests.factories import TeamFactory
from tickets.models import Category

pytestmark = pytest.mark.django_db


def test_an_admin_sets_a_team_to_least_loaded_and_an_agent_s_limit_and_categories(client_for, admin_user, agent):
    team = TeamFactory(name="售后管理", code="aftersales-admin")
    category = Category.objects.create(name="物流", code="routing-admin-logistics")
    client = client_for(admin_user)
    page = client.get("/admin/routing/teamrouting/add/")
    assert page.status_code == 200 and "负载最少" in page.content.decode()
    response = client.post("/admin/routing/teamrouting/add/",
                           {"team": team.pk, "mode": "least_loaded", "is_category_matched": "on"})
    assert response.status_code == 302
    assert TeamRouting.objects.filter(team=team, mode="least_loaded", is_category_matched=True).exists()
    response = client.post("/admin/routing/routingprofile/add/",
                           {"user": agent.pk, "max_open_tickets": 12, "categories": [category.pk]})
    assert response.status_code == 302
    profile = RoutingProfile.objects.get(user=agent)
    assert profile.max_open_tickets == 12 and list(profile.categories.all()) == [category]
    assert client.get("/admin/routing/routingprofile/").status_code == 200


def test_an_agent_cannot_open_the_routing_settings(client_for, agent):
    assert client_for(agent).get("/admin/routing/teamrouting/").status_code == 302
