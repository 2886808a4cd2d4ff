"""A live SLA countdown on the at-risk page turns amber at the warning threshold and red at the deadline."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from helpdesk.models import BusinessCalendar
from sla.models import SLAPolicy
from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory
from tickets.services import ticket_create


@pytest.mark.django_db(transaction=True)
def test_countdown_turns_amber_then_red(page, live_server, sla_defaults, agent, supervisor, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    SLAPolicy.objects.create(
        name="E2E 10 calendar minutes", position=1, channel="web",
        calendar=BusinessCalendar.objects.get(code="online-service"),
        first_response_value=10, first_response_unit=SLAPolicy.Unit.CALENDAR_MINUTES,
    )
    created = timezone.now() - dt.timedelta(minutes=7)  # warning at 8 min, deadline at 10 min
    with time_machine.travel(created, tick=False):
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="倒计时测试",
                               channel="web", assignee=agent)

    page.clock.install(time=timezone.now())
    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/sla/at-risk/")
    row = page.get_by_test_id("at-risk-row").filter(has_text=ticket.number)
    countdown = row.get_by_test_id("sla-countdown")
    page.clock.fast_forward(1000)
    assert countdown.get_attribute("data-state") == "ok"
    screenshot("sla-at-risk-green")

    page.clock.fast_forward("01:30")  # 8.5 minutes after creation
    assert countdown.get_attribute("data-state") == "warn"
    assert "sla-warn" in countdown.get_attribute("class")
    screenshot("sla-at-risk-amber")

    page.clock.fast_forward("02:00")  # 10.5 minutes after creation
    assert countdown.get_attribute("data-state") == "bad"
    assert "超时" in countdown.inner_text()
    screenshot("sla-at-risk-red")
    assert errors == []
