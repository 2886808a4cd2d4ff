"""The demo shows SLA deadlines in every state: running (green), warned (amber) and breached (red)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from helpdesk.demo import demo_data_load
from sla.models import Notification, TicketSLATimer
from tickets.models import TicketEvent

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [
    dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH),  # Monday morning, working time
    dt.datetime(2026, 11, 22, 3, 0, tzinfo=SH),  # Sunday night, no working time
])
def test_demo_has_amber_and_red_first_response_timers(moment):
    with time_machine.travel(moment, tick=False):
        demo_data_load()
        running = TicketSLATimer.objects.filter(met_at__isnull=True, due_at__isnull=False, paused_at__isnull=True)
        amber = running.filter(warned_at__isnull=False, breached_at__isnull=True, due_at__gt=moment, warning_at__lte=moment)
        red = running.filter(breached_at__isnull=False, due_at__lte=moment)
        assert amber.count() >= 2
        assert red.count() >= 2
        assert TicketEvent.objects.filter(kind=TicketEvent.Kind.SLA_BREACH).count() >= 2
        assert Notification.objects.filter(kind=Notification.Kind.SLA_BREACH).exists()
        breaches = TicketEvent.objects.filter(kind=TicketEvent.Kind.SLA_BREACH).count()
        demo_data_load()
        assert TicketEvent.objects.filter(kind=TicketEvent.Kind.SLA_BREACH).count() == breaches
