import pytest

from helpdesk.roles import Role
from tests.e2e.test_shell import log_in
from tests.defaults import defaults_load
from tests.factories import UserFactory
from tickets.models import Ticket


@pytest.fixture
def web_form_defaults(db):
    """Transactional tests flush migration rows: put back the categories and routing rules."""
    defaults_load("tickets.migrations.0002_default_categories", "add_categories")
    defaults_load("tickets.migrations.0009_default_routing_rules")


@pytest.mark.django_db(transaction=True)
def test_customer_follows_the_tracking_link_on_a_phone_replies_and_the_agent_sees_it(
        browser, live_server, web_form_defaults, sla_defaults):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = {"width": 390, "height": 844}
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/support/new/")
    page.check("input[name=kind][value=complaint]")
    page.fill("#id_name", "赵敏")
    page.fill("#id_phone", "13700137001")  # a number no other test of the web form uses: its rate limit is per number
    page.fill("#id_email", "zhao@example.com")
    page.fill("#id_description", "收到的杯子碎了，外包装完好。")
    page.click("button.primary")
    page.wait_for_url("**/support/done/**")
    number = page.get_by_test_id("ticket-number").inner_text()

    page.get_by_test_id("tracker-link").click()
    page.wait_for_selector("[data-testid=tracker-page]")
    assert page.get_by_test_id("ticket-number").inner_text() == number
    steps = page.locator("[data-testid=tracker-steps] li")
    assert steps.count() == 7
    assert "done" in (steps.nth(0).get_attribute("class") or "")
    assert page.locator("[aria-current=step]").count() == 1
    assert page.get_by_test_id("promise-first").is_visible() and page.get_by_test_id("promise-resolution").is_visible()
    page.fill("#id_body", "补充：订单号在包裹单上，需要的话我可以拍照。")
    page.click("[data-testid=tracker-reply] button.primary")
    page.wait_for_selector("text=补充：订单号在包裹单上")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(SCREENSHOTS / "tracker-phone.png"), full_page=True)

    page.click(".lang-switch button[value=en]")
    page.wait_for_selector("text=Progress")
    page.screenshot(path=str(SCREENSHOTS / "tracker-phone-en.png"), full_page=True)
    assert errors == []
    context.close()

    ticket = Ticket.objects.get(number=number)
    agent = UserFactory(username="t-tracker-agent", role=Role.AGENT, teams=[ticket.team])
    desk = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    agent_page = desk.new_page()
    agent_page.set_default_timeout(10_000)
    log_in(agent_page, live_server, agent.username)
    agent_page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    agent_page.wait_for_selector("text=补充：订单号在包裹单上")
    agent_page.screenshot(path=str(SCREENSHOTS / "tracker-agent.png"), full_page=True)
    desk.close()
