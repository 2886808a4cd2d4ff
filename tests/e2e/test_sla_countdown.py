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


def _ticket_under_policy(agent, team, value, unit, age):
    """Create a web ticket of the given age under a first-response policy of value units."""
    SLAPolicy.objects.create(
        name=f"E2E {value} {unit}", position=1, channel="web",
        calendar=BusinessCalendar.objects.get(code="online-service"),
        first_response_value=value, first_response_unit=unit,
    )
    with time_machine.travel(timezone.now() - age, tick=False):
        return ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="倒计时测试",
                             channel="web", assignee=agent)


@pytest.mark.django_db(transaction=True)
def test_countdown_turns_amber_then_red(page, live_server, sla_defaults, agent, supervisor, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # warning at 8 min, deadline at 10 min
    ticket = _ticket_under_policy(agent, team, 10, SLAPolicy.Unit.CALENDAR_MINUTES, dt.timedelta(minutes=7))

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
    assert countdown.inner_text() == "已超时 不到1分钟"
    screenshot("sla-at-risk-red")
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_inbox_and_ticket_page_write_time_left_in_words(page, live_server, sla_defaults, agent, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # 2 h 11 min 30 s left
    ticket = _ticket_under_policy(agent, team, 3, SLAPolicy.Unit.CALENDAR_HOURS, dt.timedelta(minutes=48, seconds=30))

    page.clock.install(time=timezone.now())
    log_in(page, live_server, agent.username)
    page.goto(f"{live_server.url}/tickets/")
    countdown = page.locator("tr", has_text=ticket.number).get_by_test_id("sla-countdown")
    assert countdown.inner_text() == "剩余 2小时11分"
    page.clock.fast_forward("01:00")
    assert countdown.inner_text() == "剩余 2小时10分"
    screenshot("time-left-inbox")

    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    countdown = page.get_by_test_id("sla-countdown").first
    assert countdown.inner_text().startswith("剩余 2小时")
    page.clock.fast_forward("02:15:00")
    assert countdown.inner_text().startswith("已超时 ")
    assert countdown.inner_text().endswith("分钟") or countdown.inner_text().endswith("分")
    screenshot("time-left-ticket-overdue")
    assert errors == []
