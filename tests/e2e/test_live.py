"""The live workspace in two browsers: what one person does shows on another's open page, without a reload."""

import time
from types import SimpleNamespace

import pytest

from helpdesk.models import Team
from tests.chat_server import server  # noqa: F401 - fixture
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_shell import log_in
from tests.e2e.test_support_form import shipped_defaults  # noqa: F401 - fixture
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory
from tickets.models import Remedy, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

# Records each desktop notification the page shows, then shows it as the browser would.
NOTIFICATION_SPY = """
(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.__notes = [];
  function Spy(title, options) { window.__notes.push({ title, body: (options || {}).body || "" }); return new Real(title, options); }
  Object.defineProperty(Spy, "permission", { get: () => Real.permission });
  Spy.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Spy;
})();
"""


def context_for(browser, **kwargs):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800}, **kwargs)
    context.add_init_script(NOTIFICATION_SPY)
    return context


def open_live(page, url):
    """Open a page and wait until its live stream is subscribed; mark the document to prove it is never reloaded."""
    page.goto(url)
    page.wait_for_selector("#live[data-connected='1']", state="attached")
    page.evaluate("window.__sameDocument = true")


def wait_true(page, expression: str, timeout: float = 5.0) -> None:
    """Poll a JavaScript expression until it is true (the page's CSP forbids Playwright's wait_for_function)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.1)


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_a_ticket_filed_on_the_web_form_appears_in_the_open_inbox_and_its_tab_title(
    browser, server, agent, shipped_defaults  # noqa: F811
):
    team = Team.objects.get(code="aftersales")
    team.members.add(agent)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    staff_context, customer_context = context_for(browser), context_for(browser)
    staff, customer = staff_context.new_page(), customer_context.new_page()
    errors = []
    staff.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(staff, SimpleNamespace(url=server), agent.username)
        staff.wait_for_url("**/inbox/")
        open_live(staff, f"{server}/inbox/")
        wait_true(staff, "document.getElementById('live').dataset.inbox === '0'")
        assert not staff.title().startswith("(")

        customer.goto(f"{server}/support/new/")
        customer.fill("#id_name", "赵敏")
        customer.fill("#id_phone", "13700137002")  # a number of its own: the web form limits submissions per number
        customer.fill("#id_email", "zhao@example.com")
        customer.select_option("#id_category", label="产品质量")
        customer.fill("#id_description", "收到的杯子碎了，外包装完好。")
        customer.click("button.primary")
        customer.wait_for_url("**/support/done/**")
        number = customer.get_by_test_id("ticket-number").inner_text()

        row = staff.locator(f"#ticket-rows tr[data-ticket='{Ticket.objects.get(number=number).pk}']")
        row.wait_for(timeout=5_000)
        wait_true(staff, "document.title.startsWith('(1) ')")
        assert number in row.inner_text()
        assert same_document(staff)
        staff.screenshot(path=str(SCREENSHOTS / "live-inbox.png"), full_page=True)
    finally:
        staff_context.close()
        customer_context.close()
    assert errors == []


def test_a_ticket_arriving_while_tickets_are_selected_waits_behind_a_bar_and_keeps_the_selection(
    browser, server, agent, team  # noqa: F811
):
    first = TicketFactory(team=team, subject="已在列表中的工单")
    context = context_for(browser)
    page = context.new_page()
    try:
        log_in(page, SimpleNamespace(url=server), agent.username)
        page.wait_for_url("**/inbox/")
        open_live(page, f"{server}/inbox/")
        page.click(f"#ticket-rows [data-select-row][value='{first.pk}']")
        from tickets.services import ticket_create

        arrived = ticket_create(actor=None, customer=CustomerFactory(), team=team, subject="新到的工单", channel="web")
        page.get_by_test_id("live-bar").wait_for(timeout=5_000)
        assert page.locator(f"#ticket-rows tr[data-ticket='{arrived.pk}']").count() == 0  # not swapped under the selection
        assert page.locator(f"#ticket-rows [data-select-row][value='{first.pk}']").is_checked()
        page.get_by_test_id("live-refresh").click()
        page.locator(f"#ticket-rows tr[data-ticket='{arrived.pk}']").wait_for(timeout=5_000)
        assert page.locator(f"#ticket-rows [data-select-row][value='{first.pk}']").is_checked()
        assert page.get_by_test_id("live-bar").is_hidden()
        assert same_document(page)
    finally:
        context.close()


def test_the_approval_walk_shows_live_on_both_open_pages(browser, server, agent, supervisor, team):  # noqa: F811
    customer = CustomerFactory(name="王芳", phone="13912345678")
    ticket = TicketFactory(team=team, customer=customer, subject="收到的茶叶罐破损", kind="complaint", assignee=agent,
                           status="open")
    TicketMessageFactory(ticket=ticket, body="罐子压扁了，茶叶受潮。")
    agent_context = context_for(browser)
    boss_context = context_for(browser, permissions=["notifications"])
    page, boss = agent_context.new_page(), boss_context.new_page()
    errors = []
    for each in (page, boss):
        each.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(boss, SimpleNamespace(url=server), supervisor.username)
        boss.wait_for_url("**/inbox/")
        open_live(boss, f"{server}/inbox/")
        toggle = boss.get_by_test_id("live-desktop")
        toggle.click()  # the supervisor opts in to desktop notifications
        wait_true(boss, "document.getElementById('live-desktop').getAttribute('aria-pressed') === 'true'")
        assert "0" in boss.get_by_test_id("notifications-badge").inner_text()

        log_in(page, SimpleNamespace(url=server), agent.username)
        page.wait_for_url("**/inbox/")
        open_live(page, f"{server}/tickets/{ticket.pk}/")
        page.fill("[data-testid=escalate-reason]", "重大投诉，客户要求赔偿")
        page.click("[data-testid=escalate]")
        page.wait_for_selector("[data-testid=escalated]")
        open_live(page, page.url.split("#")[0].split("?")[0])
        page.select_option("select[name=kind]", "compensation")
        page.fill("input[name=amount]", "800")
        page.click("[data-testid=propose-remedy]")
        page.wait_for_selector("[data-testid=remedy][data-status=awaiting_approval]")
        open_live(page, f"{server}/tickets/{ticket.pk}/")

        # The supervisor's open inbox: the badge counts the escalation and the approval request, no reload.
        wait_true(boss, "document.querySelector('[data-testid=notifications-badge]').textContent.trim().endsWith(' 2')")
        wait_true(boss, "(window.__notes || []).some((note) => note.body.includes('¥800'))")
        assert same_document(boss)
        notes = boss.evaluate("window.__notes")
        assert any(ticket.number in note["body"] for note in notes)
        boss.screenshot(path=str(SCREENSHOTS / "live-approver-badge.png"), full_page=True)

        boss.click("nav >> text=待审批")
        boss.wait_for_url("**/approvals/")
        boss.locator("[data-testid=approval-row][data-kind=remedy] a").first.click()
        boss.fill("[data-testid=remedy] input[name=reason]", "同意补偿")
        boss.click("[data-testid=approve]")
        boss.wait_for_selector("[data-testid=remedy][data-status=approved]")

        # The agent's open ticket page: the remedy shows approved and the badge counts the decision, no reload.
        page.wait_for_selector("[data-testid=remedy][data-status=approved]", timeout=5_000)
        wait_true(page, "document.querySelector('[data-testid=notifications-badge]').textContent.trim().endsWith(' 1')")
        assert same_document(page)
        page.screenshot(path=str(SCREENSHOTS / "live-agent-ticket.png"), full_page=True)
    finally:
        agent_context.close()
        boss_context.close()
    assert Remedy.objects.get(ticket=ticket).status == Remedy.Status.APPROVED
    assert errors == []
