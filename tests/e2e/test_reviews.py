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
