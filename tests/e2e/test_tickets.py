import re

import pytest

from tests.e2e.test_shell import log_in
from tests.factories import CannedReplyFactory, CustomerFactory, ForbiddenPhraseFactory, TicketFactory, TicketMessageFactory
from tickets.models import Remedy


@pytest.mark.django_db(transaction=True)
def test_agent_replies_with_canned_text_is_warned_escalates_and_supervisor_approves(
    page, browser, live_server, agent, supervisor, team, screenshot
):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    customer = CustomerFactory(name="王芳", phone="13912345678")
    ticket = TicketFactory(team=team, customer=customer, subject="收到的茶叶罐破损", kind="complaint")
    TicketMessageFactory(ticket=ticket, body="罐子压扁了，茶叶受潮。")
    CannedReplyFactory(shortcut="apologise", title="致歉", body="{customer_name}您好，非常抱歉（工单 {ticket_number}）。")
    ForbiddenPhraseFactory(phrase="没法弄", suggestion="我们一起看看其他解决方式")

    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.click("text=收到的茶叶罐破损")
    page.wait_for_selector("[data-testid=customer-card]")
    assert "139****5678" in page.get_by_test_id("customer-phone").inner_text()

    page.fill("#canned-q", "/apol")
    page.click(".canned-pick")
    body = page.locator("#reply-form textarea[name=body]")
    assert body.input_value() == f"王芳您好，非常抱歉（工单 {ticket.number}）。"
    body.press("End")
    body.type("这个真的没法弄。")
    page.click("[data-testid=send]")
    warning = page.get_by_test_id("language-warning")
    assert "我们一起看看其他解决方式" in warning.inner_text()
    screenshot("ticket-language-warning")
    page.click("[data-testid=send]")
    page.wait_for_selector("text=这个真的没法弄。")
    assert page.locator("[data-testid=message]").count() == 2

    page.fill("[data-testid=escalate-reason]", "重大投诉，客户要求赔偿")
    page.click("[data-testid=escalate]")
    page.wait_for_selector("[data-testid=escalated]")
    page.select_option("select[name=kind]", "compensation")
    page.fill("input[name=amount]", "800")
    page.click("[data-testid=propose-remedy]")
    page.wait_for_selector("[data-testid=remedy][data-status=awaiting_approval]")
    screenshot("ticket-agent")

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    boss = context.new_page()
    log_in(boss, live_server, supervisor.username)
    boss.wait_for_url("**/inbox/")
    assert "2" in boss.get_by_test_id("notifications-badge").inner_text()  # escalated to them, asked to approve
    boss.click("nav >> text=待审批")
    boss.wait_for_url("**/approvals/")
    rows = boss.locator("[data-testid=approval-row]")
    assert [rows.nth(i).get_attribute("data-kind") for i in range(rows.count())] == ["escalation", "remedy"]
    assert "¥800" in rows.nth(1).inner_text()
    boss.screenshot(path="/tmp/helpdesk-e2e/approvals-queue.png", full_page=True)
    rows.nth(1).locator("a").click()
    boss.fill("[data-testid=remedy] input[name=reason]", "同意补偿")
    boss.click("[data-testid=approve]")
    boss.wait_for_selector("[data-testid=remedy][data-status=approved]")
    boss.screenshot(path="/tmp/helpdesk-e2e/ticket-supervisor.png", full_page=True)
    context.close()
    assert Remedy.objects.get(ticket=ticket).status == Remedy.Status.APPROVED
    page.goto(f"{live_server.url}/notifications/")
    told = page.get_by_test_id("notification").first.inner_text()
    assert ticket.number in told and "已批准" in told and "¥800" in told
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_script_in_a_customer_message_executes_nothing(page, live_server, agent, team):
    ticket = TicketFactory(team=team, subject="XSS")
    TicketMessageFactory(ticket=ticket, body='<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><b>粗体</b>')
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.wait_for_selector("text=粗体")
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


@pytest.mark.django_db(transaction=True)
def test_side_panel_leads_to_the_customer_and_files_a_return_for_the_ticket(page, live_server, agent, team, screenshot):
    from orders.models import ReturnRequest
    from tests.factories.orders import business_calendars_seed, delivered_order

    business_calendars_seed()
    customer = CustomerFactory(name="王芳", phone="13912345678")
    order = delivered_order(customer=customer, lines=((1, "128.00"),))
    ticket = TicketFactory(team=team, customer=customer, order=order, subject="茶罐压扁")
    other = TicketFactory(team=team, customer=customer, subject="发票抬头")
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    card = page.get_by_test_id("customer-card")
    assert card.get_by_role("link", name=order.number).get_attribute("href") == f"/orders/{order.pk}/"
    assert card.get_by_role("link", name=other.number).get_attribute("href") == f"/tickets/{other.pk}/"
    screenshot("ticket-side-panel-links")
    page.get_by_test_id("customer-link").click()
    page.wait_for_url(f"**/customers/{customer.pk}/")
    page.go_back()
    page.get_by_test_id("ticket-start-return").click()
    page.wait_for_url(f"**/orders/{order.pk}/?return=1&ticket={ticket.pk}#start-return")
    assert page.locator("#start-return").get_attribute("open") is not None
    page.fill(f"[data-testid=qty-{order.items.first().sku}]", "1")
    page.select_option("#start-return select[name=reason]", "no_reason")
    screenshot("order-start-return-for-ticket")
    page.click("#start-return button[type=submit]")
    page.wait_for_url(re.compile(r"/returns/\d+/"))
    assert ticket.number in page.content()
    assert ReturnRequest.objects.get().ticket_id == ticket.pk


@pytest.mark.django_db(transaction=True)
def test_the_attachment_picker_speaks_the_page_language(page, live_server, agent, team, tmp_path):
    ticket = TicketFactory(team=team, subject="附件选择")
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    form = page.locator("#reply-form")
    assert form.locator(".file-pick").inner_text() == "选择文件"
    assert form.locator(".file-names").inner_text() == "未选择文件"
    photo = tmp_path / "破损照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    form.locator("input[name=files]").set_input_files(str(photo))
    assert form.locator(".file-names").inner_text() == "破损照片.png"
    with page.expect_file_chooser() as chooser:
        form.locator(".file-pick").click()
    assert chooser.value.is_multiple()
