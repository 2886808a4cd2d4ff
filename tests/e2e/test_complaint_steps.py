"""The complaint tracker on the ticket page: due times counting down, an overdue step marked, completing a step."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from sla.models import StepPolicy
from tests.defaults import defaults_load
from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory
from tickets.models import TicketStep
from tickets.services import ticket_create


@pytest.mark.django_db(transaction=True)
def test_tracker_counts_down_and_completes_a_step(page, live_server, sla_defaults, agent, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    StepPolicy.objects.all().delete()
    defaults_load("sla.migrations.0005_default_step_policy")
    # Created ten days ago: the classification and investigation deadlines have passed.
    with time_machine.travel(timezone.now() - dt.timedelta(days=10), tick=False):
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="耳机没有声音",
                               kind="complaint", assignee=agent)
    log_in(page, live_server, agent.username)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    tracker = page.get_by_test_id("tracker")
    classification = tracker.locator('li[data-step="classification"]')
    assert classification.get_attribute("data-state") == "overdue"
    assert classification.get_by_test_id("sla-countdown").get_attribute("data-state") == "bad"
    assert "current" in classification.get_attribute("class")
    screenshot("complaint-steps-overdue")

    page.get_by_text("完成环节").click()
    form = page.get_by_test_id("step-form")
    form.locator("select[name=step]").select_option("classification")
    form.locator("input[name=note]").fill("电话确认为产品质量问题")
    form.get_by_role("button").click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    classification = page.get_by_test_id("tracker").locator('li[data-step="classification"]')
    assert "done" in classification.get_attribute("class")
    assert classification.get_by_test_id("step-late").is_visible()
    assert TicketStep.objects.get(ticket=ticket, step="classification").note == "电话确认为产品质量问题"
    assert "current" in page.get_by_test_id("tracker").locator('li[data-step="investigation"]').get_attribute("class")
    screenshot("complaint-steps-completed")
    assert errors == []
