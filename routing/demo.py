"""Demo routing: the after-sales team gives its tickets to the least loaded online agent; the agents have profiles."""

from routing.models import RoutingProfile, TeamRouting

# (username, open ticket limit)
PROFILES = [("agent", 20), ("agent2", 20)]


def demo_routing_load(context: dict) -> TeamRouting:
    """Set the after-sales team to least loaded and give the demo agents their profiles, once; return its routing."""
    routing, _created = TeamRouting.objects.get_or_create(
        team=context["teams"]["aftersales"], defaults={"mode": TeamRouting.Mode.LEAST_LOADED})
    for username, limit in PROFILES:
        RoutingProfile.objects.get_or_create(user=context["users"][username], defaults={"max_open_tickets": limit})
    return routing
