import pytest
from django.db import connection
from django.db.models.signals import post_delete

from helpdesk.demo import demo_data_load
from helpdesk.models import Team
from orders.models import ReturnRequest
from sla.models import TicketSLATimer
from tests.permissions import conftest as permissions
from tests.permissions.world import AGENT_OWN, SUPERVISOR_OWN
from tickets.models import Ticket

world = permissions.world  # the permission matrix's shared objects, built once for the module


@pytest.fixture(scope="module")
def demo(world, django_db_blocker):
    """Load the demo data beside the shared objects and put the owning team's people in the demo's 售前 team.

    Returns the demo's detail pages worth reading: tickets with SLA clocks, history, an escalation and a
    remedy, orders with returns. The rows go with the shared objects' when the module ends.
    """
    with django_db_blocker.unblock():
        leads = dict(Team.objects.values_list("pk", "supervisor"))
        context = demo_data_load()
        presales = context["teams"]["presales"]
        presales.members.add(world.users[AGENT_OWN], world.users[SUPERVISOR_OWN])
        timed = Ticket.objects.filter(team=presales, sla_timers__breached_at__isnull=False).distinct()[:1]
        escalated = Ticket.objects.filter(team=presales, escalated_to__isnull=False)[:1]
        complaint = Ticket.objects.filter(team=presales, kind="complaint").order_by("-pk")[:1]
        returns = ReturnRequest.objects.exclude(order__in=[world.order, world.open_order]).order_by("pk")[:2]
        pages = [("tickets:ticket_detail", ticket.pk) for ticket in [*timed, *escalated, *complaint]]
        pages += [("orders:return_detail", ret.pk) for ret in returns]
        pages += [("orders:order_detail", ret.order_id) for ret in returns]
        assert TicketSLATimer.objects.filter(ticket__team=presales).exists()
    yield pages
    with django_db_blocker.unblock():
        for pk, supervisor in leads.items():  # the demo names a lead for teams that had none
            Team.objects.filter(pk=pk).update(supervisor=supervisor)
    for team in context["teams"].values():
        # The rows go without the ORM when the module ends: tell whoever caches team option lists.
        post_delete.send(sender=type(team), instance=team, using=connection.alias, origin=team)
