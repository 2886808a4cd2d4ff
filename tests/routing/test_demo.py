import pytest

from helpdesk.demo import demo_users_load
from routing.demo import demo_routing_load
from routing.models import RoutingProfile, TeamRouting

pytestmark = pytest.mark.django_db


def test_demo_routes_after_sales_to_the_least_loaded_agent_and_gives_the_agents_profiles_once():
    context = demo_users_load()
    demo_routing_load(context)
    demo_routing_load(context)
    assert TeamRouting.objects.get(team__code="aftersales").mode == TeamRouting.Mode.LEAST_LOADED
    assert not TeamRouting.objects.filter(team__code="presales").exists()
    assert set(RoutingProfile.objects.values_list("user__username", "max_open_tickets")) == {("agent", 20), ("agent2", 20)}
