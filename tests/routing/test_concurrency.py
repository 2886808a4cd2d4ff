from collections import Counter

import pytest

from routing.models import TeamRouting
from routing.services import ticket_route
from tests.factories import CustomerFactory, TeamFactory
from tests.factories.routing import TeamRoutingFactory
from tests.routing.conftest import agent_make
from tests.tickets.test_concurrency import run_parallel
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", [TeamRouting.Mode.LEAST_LOADED, TeamRouting.Mode.ROUND_ROBIN])
def test_fifty_tickets_arriving_at_once_are_each_assigned_once_and_nobody_goes_over_capacity(mode):
    team, customer = TeamFactory(), CustomerFactory()
    TeamRoutingFactory(team=team, mode=mode)
    capacity = {agent_make(team, f"{mode}-a", capacity=20).pk: 20, agent_make(team, f"{mode}-b", capacity=20).pk: 20,
                agent_make(team, f"{mode}-c", capacity=15).pk: 15}

    def arrive(i):
        ticket = ticket_create(actor=None, customer=customer, team=team, subject=f"并发分配{i}", channel="email")
        return ticket_route(ticket_id=ticket.pk)

    results, errors = run_parallel(50, arrive)
    assert errors == []
    assert all(agent is not None for agent in results)
    held = Counter(Ticket.objects.filter(team=team).values_list("assignee_id", flat=True))
    assert None not in held and sum(held.values()) == 50
    assert all(held[pk] <= limit for pk, limit in capacity.items())
    events = Counter(TicketEvent.objects.filter(ticket__team=team, kind=TicketEvent.Kind.ASSIGNED)
                     .values_list("ticket_id", flat=True))
    assert len(events) == 50 and set(events.values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_fifty_tickets_at_once_fill_every_agent_exactly_to_capacity_and_the_rest_wait():
    team, customer = TeamFactory(), CustomerFactory()
    TeamRoutingFactory(team=team, mode=TeamRouting.Mode.LEAST_LOADED)
    agents = [agent_make(team, f"cap-{i}", capacity=10) for i in range(3)]

    def arrive(i):
        ticket = ticket_create(actor=None, customer=customer, team=team, subject=f"并发满额{i}", channel="web")
        return ticket_route(ticket_id=ticket.pk)

    results, errors = run_parallel(50, arrive)
    assert errors == []
    held = Counter(Ticket.objects.filter(team=team).values_list("assignee_id", flat=True))
    assert held == {agents[0].pk: 10, agents[1].pk: 10, agents[2].pk: 10, None: 20}
    assert sum(agent is not None for agent in results) == 30
