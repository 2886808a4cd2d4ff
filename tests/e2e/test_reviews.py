"""A supervisor sees 好评率 on the KPI dashboard and follows the 差评 tile to the 差评 queue."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.services import review_receive
from tests.e2e.test_shell import log_in
from tests.factories import OrderFactory, TicketFactory


@pytest.mark.django_db(transaction=True)
def test_supervisor_sees_review_rates_and_the_negative_review_queue(page, live_server, agent, supervisor, team,
                                                                   screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    now = timezone.now()
    for n, (rating, text) in enumerate(((5, "非常满意"), (4, "还不错"), (1, "收到就坏了"))):
        order = OrderFactory(number=f"DD-E2E-{n}", shop="旗舰店")
        ticket = TicketFactory(order=order, customer=order.customer, team=team, assignee=agent)
        type(ticket).objects.filter(pk=ticket.pk).update(created_at=now - dt.timedelta(hours=2))  # handled before
        review_receive(source="api", data={"shop": "旗舰店", "platform_review_id": f"E2E-{n}", "rating": rating,
                                           "order_number": order.number, "sku": "SKU-TEA-001", "text": text,
                                           "reviewed_at": now - dt.timedelta(minutes=30 - n)})

    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/kpi/")
    positive = page.locator('[data-metric="positive_review_rate"]')
    assert positive.locator(".kpi-value").inner_text().strip() == "66.67 %"
    assert "好评率" in positive.inner_text()
    assert page.locator('[data-metric="negative_review_rate"] .kpi-value').inner_text().strip() == "33.33 %"
    screenshot("reviews-kpi")

    page.locator('[data-metric="negative_review_rate"] .kpi-value a').click()
    page.wait_for_url("**/reviews/low/**")
    rows = page.get_by_test_id("review-queue").locator("tbody tr")
    assert rows.count() == 1
    assert "收到就坏了" in rows.first.inner_text() and "未处理" in rows.first.inner_text()
    screenshot("reviews-queue")

    rows.first.locator("a").first.click()
    page.get_by_test_id("review-outcome-form").locator("select").select_option("contacted")
    page.get_by_test_id("review-outcome-form").locator("button").click()
    assert page.get_by_test_id("review-outcome-value").inner_text() == "已联系客户"
    page.goto(f"{live_server.url}/reviews/low/?outcome=contacted")
    assert "收到就坏了" in page.get_by_test_id("review-queue").inner_text()
    page.goto(f"{live_server.url}/reviews/low/?outcome=none")
    assert "收到就坏了" not in page.get_by_test_id("review-queue").inner_text()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_supervisor_drills_from_a_review_breakdown_row_and_reads_the_step_times(page, live_server, agent, supervisor,
                                                                                team, screenshot):
    from kpi.services import ticket_facts_rebuild
    from tickets.models import TicketStep

    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    now = timezone.now()
    for n, (rating, sku) in enumerate(((5, "SKU-TEA-001"), (4, "SKU-TEA-001"), (1, "SKU-CUP-002"))):
        order = OrderFactory(number=f"DD-E2B-{n}", shop="旗舰店")
        ticket = TicketFactory(order=order, customer=order.customer, team=team, assignee=agent)
        type(ticket).objects.filter(pk=ticket.pk).update(created_at=now - dt.timedelta(hours=2))
        review_receive(source="api", data={"shop": "旗舰店", "platform_review_id": f"E2B-{n}", "rating": rating,
                                           "order_number": order.number, "sku": sku, "text": f"评价{n}",
                                           "reviewed_at": now - dt.timedelta(minutes=30 - n)})
    complaint = TicketFactory(team=team, assignee=agent, kind="complaint")
    TicketStep.objects.filter(ticket=complaint).delete()
    TicketStep.objects.create(ticket=complaint, step="intake", completed_at=complaint.created_at)
    TicketStep.objects.create(ticket=complaint, step="classification",
                              completed_at=complaint.created_at + dt.timedelta(minutes=1))
    today = timezone.localdate()
    ticket_facts_rebuild(date_from=today - dt.timedelta(days=1), date_to=today)

    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/kpi/")
    by_sku = page.locator('[data-breakdown="sku"] tbody tr')
    assert by_sku.count() == 2 and "SKU-TEA-001" in by_sku.first.inner_text()
    assert "100.0 %" in by_sku.first.inner_text()
    page.wait_for_selector("[data-testid=kpi-step-times]:not([aria-busy])")  # the section loads after the page
    steps = page.get_by_test_id("kpi-step-times")
    assert team.name in steps.inner_text() and "投诉分类" in steps.inner_text()
    screenshot("kpi-review-breakdowns")

    row = page.locator('[data-breakdown="agent"] tbody tr').first
    assert "66.67 %" in row.inner_text() and "33.33 %" in row.inner_text()
    row.locator("td").nth(3).locator("a").click()  # its 差评率
    page.wait_for_url("**/reviews/?**")
    listed = page.get_by_test_id("review-queue").locator("tbody tr")
    assert listed.count() == 1 and "SKU-CUP-002" in listed.first.inner_text()
    screenshot("kpi-review-breakdown-drill")
    assert errors == []
