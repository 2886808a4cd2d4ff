"""A supervisor reads the KPI dashboard (charts drawn, no script errors) and drills into a number."""

import pytest
import time_machine
from django.utils import timezone

from kpi.services import ticket_facts_rebuild
from sla.models import SLAPolicy
from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory
from tickets import services


@pytest.mark.django_db(transaction=True)
def test_dashboard_charts_and_drill_down(page, live_server, agent, supervisor, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    SLAPolicy.objects.all().delete()
    now = timezone.now()
    numbers = []
    for n, kind in enumerate(["complaint", "consultation", "complaint"]):
        with time_machine.travel(now.replace(microsecond=0) - timezone.timedelta(hours=5 - n), tick=False):
            ticket = services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject=f"看板 {n}",
                                            kind=kind, assignee=agent)
            services.ticket_message_add(ticket=ticket, actor=agent, body="您好", sender="agent")
            numbers.append(ticket.number)
    today = timezone.localdate()
    ticket_facts_rebuild(date_from=today - timezone.timedelta(days=1), date_to=today)  # five hours ago may be yesterday

    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/kpi/")
    tile = page.locator('[data-metric="consultation_volume"]')
    assert tile.locator(".kpi-value").inner_text().strip() == "3"
    page.wait_for_function("() => document.querySelectorAll('canvas').length === 4 && "
                           "[...document.querySelectorAll('canvas')].every(c => c.width > 0)")
    screenshot("kpi-dashboard")
    page.locator('[data-metric="complaint_rate"] .kpi-value a').click()
    page.wait_for_url("**/kpi/drill/complaint_rate/**")
    rows = page.get_by_test_id("drill-table").locator("tbody tr")
    assert rows.count() == 2
    assert numbers[0] in rows.all_inner_texts()[1] or numbers[0] in " ".join(rows.all_inner_texts())
    screenshot("kpi-drill-complaints")
    assert errors == []
