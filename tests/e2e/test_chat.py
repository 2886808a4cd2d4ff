"""Two browsers: a customer on the demo shop chats with an agent in the chat inbox; the ended chat becomes a ticket."""

from types import SimpleNamespace

import pytest

from chat.models import AgentPresence, ChatSession
from tests.chat_server import server  # noqa: F401 - fixture
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_shell import log_in
from tests.factories import CannedReplyFactory, ChatWidgetFactory
from tickets.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_customer_and_agent_chat_and_the_ticket_holds_the_transcript(browser, server, agent, team):  # noqa: F811
    ChatWidgetFactory(key="demo-shop", name="优品生活旗舰店", team=team, greeting="您好，欢迎光临！")
    CannedReplyFactory(shortcut="patience", title="致谢", body="{customer_name}您好，感谢您的耐心等待。")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors = []
    contexts = []

    def new_page(**options):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    try:
        staff = new_page(viewport={"width": 1400, "height": 860})
        log_in(staff, SimpleNamespace(url=server), agent.username)
        staff.goto(f"{server}/chat/inbox/")
        # The shop's widget asks whether an agent is online when it opens: only then does it offer a chat.
        with staff.expect_response(lambda response: response.url.endswith("/presence/")) as presence:
            staff.get_by_test_id("chat-presence").select_option("online")
        assert presence.value.ok, "the agent's presence was not saved"
        assert AgentPresence.objects.filter(user=agent, status=AgentPresence.Status.ONLINE).exists()

        shopper = new_page(viewport={"width": 390, "height": 760}, is_mobile=True, has_touch=True)
        shopper.goto(f"{server}/demo/shop/")
        shopper.get_by_test_id("chat-bubble").click()
        shopper.get_by_test_id("chat-name").fill("王小明")
        shopper.get_by_test_id("chat-phone").fill("13800138000")
        shopper.get_by_test_id("chat-start").click()
        shopper.get_by_test_id("chat-input").fill("你好，<b>耳机</b>什么时候发货？")
        shopper.get_by_test_id("chat-send").click()
        shopper.get_by_test_id("chat-message").filter(has_text="<b>耳机</b>").wait_for()

        row = staff.get_by_test_id("chat-waiting-row").filter(has_text="王小明")
        row.wait_for()
        staff.screenshot(path=str(SCREENSHOTS / "chat-agent-waiting.png"))
        row.get_by_test_id("chat-accept").click()
        staff.get_by_test_id("agent-chat-message").filter(has_text="<b>耳机</b>").wait_for()  # shown as text
        staff.get_by_test_id("chat-customer-card").wait_for()
        # "/" offers the canned replies, filled in for this chat; Enter inserts the picked one instead of sending.
        staff.get_by_test_id("agent-chat-input").press_sequentially("/patie")
        staff.get_by_test_id("canned-option").filter(has_text="/patience").wait_for()
        staff.get_by_test_id("agent-chat-input").press("Enter")
        assert staff.get_by_test_id("agent-chat-input").input_value() == "王小明您好，感谢您的耐心等待。"
        staff.get_by_test_id("agent-chat-input").fill("您好，今天下午发货，请放心。")
        staff.get_by_test_id("agent-chat-send").click()

        shopper.get_by_test_id("chat-message").filter(has_text="今天下午发货").wait_for()
        shopper.get_by_test_id("chat-status").filter(has_text=agent.display_name).wait_for()
        shopper.get_by_test_id("chat-input").fill("好的，谢谢！")
        shopper.get_by_test_id("chat-send").click()
        staff.get_by_test_id("agent-chat-message").filter(has_text="好的，谢谢！").wait_for()
        shopper.locator(".hdc-mark.is-read").first.wait_for()  # the agent has read the customer's message
        shopper.screenshot(path=str(SCREENSHOTS / "chat-customer-mobile.png"))
        staff.screenshot(path=str(SCREENSHOTS / "chat-agent-conversation.png"))

        staff.get_by_test_id("chat-end-open").click()
        staff.get_by_test_id("chat-end").click()
        staff.get_by_test_id("chat-ticket-link").wait_for()
        shopper.get_by_test_id("chat-status").filter(has_text="结束").wait_for()
        shopper.screenshot(path=str(SCREENSHOTS / "chat-customer-ended.png"))
        staff.screenshot(path=str(SCREENSHOTS / "chat-agent-ended.png"))
    finally:
        for context in contexts:
            context.close()

    session = ChatSession.objects.get()
    ticket = Ticket.objects.get(pk=session.ticket_id)
    assert ticket.channel == Ticket.Channel.CHAT
    bodies = list(ticket.messages.order_by("created_at").values_list("sender", "body"))
    assert [sender for sender, _body in bodies] == ["customer", "agent", "customer"]
    assert bodies[0][1] == "你好，<b>耳机</b>什么时候发货？"  # plain text as typed, escaped where it is shown
    assert bodies[1][1] == "您好，今天下午发货，请放心。"
    assert errors == []
