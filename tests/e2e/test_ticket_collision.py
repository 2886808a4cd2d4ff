import pytest

from helpdesk.roles import Role
from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory, UserFactory
from tickets import services
from tickets.models import TicketMessage


@pytest.mark.django_db(transaction=True)
def test_two_agents_see_each_other_and_a_reply_is_held_for_the_customers_new_message(
    page, browser, live_server, team, screenshot
):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    chen = UserFactory(username="chenjing", display_name="陈静", role=Role.AGENT, teams=[team])
    li = UserFactory(username="liming", display_name="李明", role=Role.AGENT, teams=[team])
    ticket = TicketFactory(team=team, customer=CustomerFactory(name="王芳"), subject="快递一直没有更新")
    TicketMessageFactory(ticket=ticket, body="物流三天没动了。")
    url = f"{live_server.url}/tickets/{ticket.pk}/"

    log_in(page, live_server, chen.username)
    page.wait_for_url("**/inbox/")
    page.goto(url)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    other = context.new_page()
    other.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(other, live_server, li.username)
    other.wait_for_url("**/inbox/")
    other.goto(url)
    presence = other.get_by_test_id("presence-list")
    presence.get_by_text("陈静 正在查看").wait_for(timeout=12_000)

    box = page.locator("#reply-form textarea[name=body]")
    box.click()
    box.type("您好，我马上帮您查询物流。")
    presence.get_by_text("陈静 正在回复").wait_for(timeout=12_000)
    page.get_by_test_id("presence-list").get_by_text("李明 正在查看").wait_for(timeout=12_000)

    services.ticket_message_add(ticket=ticket, actor=None, body="还在吗？我很着急。", sender=TicketMessage.Sender.CUSTOMER)
    page.click("[data-testid=send]")
    notice = page.get_by_test_id("held-notice")
    notice.wait_for()
    assert "在你输入时有 1 条新消息。仍然发送？" in notice.inner_text()
    assert box.input_value() == "您好，我马上帮您查询物流。"
    assert "还在吗？我很着急。" in page.locator("[data-new='1']").inner_text()
    assert not ticket.messages.filter(sender=TicketMessage.Sender.AGENT).exists()
    screenshot("ticket-reply-held")

    notice.get_by_role("button", name="仍然发送").click()
    page.get_by_text("您好，我马上帮您查询物流。", exact=True).wait_for()
    assert page.get_by_test_id("held-notice").count() == 0
    assert list(ticket.messages.filter(sender=TicketMessage.Sender.AGENT).values_list("body", flat=True)) == [
        "您好，我马上帮您查询物流。"]

    page.goto(f"{live_server.url}/inbox/")  # 陈静 leaves the ticket: gone from 李明's page at once, not after the expiry
    presence.get_by_text("陈静").wait_for(state="detached", timeout=12_000)
    context.close()
    assert errors == []
