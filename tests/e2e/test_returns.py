import pytest

from orders.models import ReturnRequest
from tests.e2e.test_shell import log_in
from tests.factories.orders import business_calendars_seed, delivered_order


@pytest.mark.django_db(transaction=True)
def test_customer_applies_on_the_public_page_and_sees_the_timeline(page, live_server, screenshot):
    order = delivered_order(lines=((2, "368.00"),))
    item = order.items.first()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/service/returns/")
    page.fill("#id_number", order.number)
    page.fill("#id_phone", order.customer.phone)
    page.click("button.primary")
    page.wait_for_url("**/service/returns/order/**")
    page.fill(f"[data-testid=qty-{item.sku}]", "1")
    page.select_option("#id_reason", "no_reason")
    page.fill("#id_description", "尺码不合适")
    screenshot("public-return-apply")
    page.click("[data-testid=apply-form] button.primary")
    page.wait_for_url("**/service/returns/status/**")

    timeline = page.get_by_test_id("timeline")
    assert "已提交" in timeline.inner_text() and "已退款" in timeline.inner_text()
    ret = ReturnRequest.objects.get()
    assert ret.order_id == order.pk and ret.items.get().quantity == 1
    assert page.get_by_test_id("public-status").inner_text() in {"已提交", "已确认"}
    screenshot("public-return-status")
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_agent_approves_a_return_from_its_page(page, live_server, agent, screenshot):
    business_calendars_seed()
    order = delivered_order(lines=((1, "1299.00"),))
    from orders.services import return_request_create

    ret = return_request_create(order=order, kind="return", reason="quality", items=[(order.items.first().pk, 1)])
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/returns/")
    page.click(f"text={ret.number}")
    screenshot("return-detail")
    page.click("[data-action=approve]")
    page.wait_for_selector("[data-action=arrange_pickup]")
    # Apps share one catalogue: "Approved" reads 已批准 everywhere.
    assert page.get_by_test_id("return-status").inner_text() in ("已批准", "已同意")
    page.goto(f"{live_server.url}/returns/")
    screenshot("return-list")
