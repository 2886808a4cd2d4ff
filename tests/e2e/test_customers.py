import re

import pytest

from customers.models import PiiReveal
from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory

CLEAR = "13912345678"


@pytest.mark.django_db(transaction=True)
def test_agent_page_source_has_no_clear_phone_until_an_audited_reveal(page, live_server, agent, screenshot):
    customer = CustomerFactory(name="李强", phone=CLEAR, email="liqiang@example.com", tags=["多次投诉"])
    TicketMessageFactory(ticket=TicketFactory(customer=customer, subject="物流一直没有更新"), body=f"请打我电话 {CLEAR}")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")

    page.goto(f"{live_server.url}/customers/")
    page.fill("#id_q", "+86 139-1234-5678")
    page.wait_for_selector("text=139****5678")
    assert CLEAR not in page.content()
    screenshot("customers-list-agent")

    page.click("text=李强")
    page.wait_for_url(re.compile(r".*/customers/\d+/$"))
    assert CLEAR not in page.content() and "liqiang@example.com" not in page.content()
    assert "139****5678" in page.get_by_test_id("phones").inner_text()
    screenshot("customer-page-agent")

    page.fill("#reveal-phone input[name=reason]", "客户来电要求回拨")
    page.get_by_test_id("reveal-phone").click()
    assert page.get_by_test_id("revealed-phone").inner_text() == CLEAR
    assert PiiReveal.objects.get().reason == "客户来电要求回拨"
    assert errors == []
