import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla.models import SLAPolicy
from tickets import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    """Return a Shanghai instant in 2026 (November by default)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def no_sla_policies(db):
    """Measure on the KPI settings' calendar (online service, 08:00–24:00 daily) rather than a policy's."""
    SLAPolicy.objects.all().delete()


@pytest.fixture
def story(agent):
    """Return a function that plays a ticket's life at given instants: ("create", t), ("customer", t), ("agent", t), ("resolve", t), ("reopen", t)."""

    def play(customer, team, steps, **create):
        ticket = None
        for step, instant in steps:
            with time_machine.travel(instant, tick=False):
                if step == "create":
                    ticket = services.ticket_create(actor=agent, customer=customer, team=team, subject="测试",
                                                    assignee=agent, **create)
                elif step in ("customer", "agent"):
                    services.ticket_message_add(ticket=ticket, actor=agent if step == "agent" else None, body="内容",
                                                sender=step)
                elif step == "note":
                    services.ticket_message_add(ticket=ticket, actor=agent, body="备注", sender="agent", is_internal=True)
                elif step == "resolve":
                    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
                elif step == "reopen":
                    services.ticket_transition(ticket=ticket, actor=agent, status="open")
                ticket.refresh_from_db()
        return ticket

    return play
