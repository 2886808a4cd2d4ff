"""An agent works by keyboard: the command palette, j/k/Enter in the inbox, r and Ctrl+Enter, "/" canned replies, "?"."""

import pytest

from tests.e2e.test_shell import log_in
from tests.factories import CannedReplyFactory, CustomerFactory, TicketFactory, TicketMessageFactory
from tickets.models import TicketMessage

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def watched(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.django_db(transaction=True)
def test_ctrl_k_finds_a_ticket_by_number_and_enter_opens_it(page, live_server, agent, team, other_team, screenshot, watched):
    customer = CustomerFactory(name="周婷", phone="13612345678")
    ticket = TicketFactory(number="T2612059001", team=team, customer=customer, subject="耳机左耳没有声音")
    TicketFactory(number="T2612059002", team=other_team, subject="别的团队的工单")
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")

    page.set_viewport_size(DESKTOP)
    page.keyboard.press("Control+k")
    palette = page.get_by_test_id("palette")
    assert palette.is_visible()
    assert "收件箱" in palette.inner_text()  # the navigation's pages are actions
    page.keyboard.type("T2612059002")  # another team's ticket is not found
    page.wait_for_selector("[data-testid=palette-option] >> text=T2612059002")  # only "search everything for …"
    assert "别的团队的工单" not in palette.inner_text()
    page.get_by_test_id("palette-input").fill("耳机左耳")
    page.wait_for_selector("[data-testid=palette-option] >> text=T2612059001 耳机左耳没有声音")
    screenshot("palette-desktop")
    page.set_viewport_size(PHONE)
    screenshot("palette-phone")
    page.set_viewport_size(DESKTOP)
    page.keyboard.press("Escape")
    assert not palette.is_visible()

    page.keyboard.press("Control+k")
    page.keyboard.type("T2612059001")
    page.wait_for_selector("[data-testid=palette-option] >> text=T2612059001 耳机左耳没有声音")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert watched == []


@pytest.mark.django_db(transaction=True)
def test_search_page_groups_results_at_both_sizes(page, live_server, agent, team, screenshot, watched):
    customer = CustomerFactory(name="陈思远", phone="13712345678", email="chen.siyuan@example.com")
    for n in range(7):
        TicketFactory(team=team, customer=customer, subject=f"陈思远的退款问题 {n}")
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("global-search").fill("+86 137-1234-5678")
    page.get_by_test_id("global-search").press("Enter")
    page.wait_for_selector("[data-testid=search-group][data-kind=customers]")
    assert "陈思远" in page.locator("[data-testid=search-group][data-kind=customers]").inner_text()
    assert "13712345678" not in page.content()  # the agent sees the phone masked
    tickets = page.locator("[data-testid=search-group][data-kind=tickets]")
    assert tickets.locator("[data-testid=search-hit]").count() == 5
    assert tickets.get_by_test_id("search-more").is_visible()
    screenshot("search-desktop")
    page.set_viewport_size(PHONE)
    screenshot("search-phone")
    tickets.get_by_test_id("search-more").click()
    page.wait_for_url("**/tickets/?q=*")
    assert watched == []


@pytest.mark.django_db(transaction=True)
def test_j_k_and_enter_open_a_ticket_of_the_inbox(page, live_server, agent, team, watched):
    tickets = [TicketFactory(team=team, subject=f"键盘工单 {n}") for n in range(3)]
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")
    highlighted = page.locator("tr.kbd-active")
    assert highlighted.count() == 1
    subject = highlighted.locator("a[href]").first.inner_text()
    target = next(t for t in tickets if t.number in subject or t.subject in subject)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{target.pk}/")
    assert watched == []


@pytest.mark.django_db(transaction=True)
def test_r_then_ctrl_enter_sends_a_reply_and_n_writes_a_note(page, live_server, agent, team, watched):
    ticket = TicketFactory(team=team, subject="快递丢件")
    TicketMessageFactory(ticket=ticket, body="包裹三天没有更新。")
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reply-body"
    page.keyboard.type("已为您联系快递公司核实。")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-testid=message] >> text=已为您联系快递公司核实。")
    assert TicketMessage.objects.filter(ticket=ticket, body="已为您联系快递公司核实。", is_internal=False).exists()

    page.keyboard.press("n")
    assert page.get_by_test_id("reply-internal").is_checked()
    page.keyboard.type("已在快递系统登记。")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-testid=message] >> text=已在快递系统登记。")
    assert TicketMessage.objects.filter(ticket=ticket, body="已在快递系统登记。", is_internal=True).exists()
    assert watched == []


@pytest.mark.django_db(transaction=True)
def test_slash_in_the_ticket_reply_inserts_a_canned_reply(page, live_server, agent, team, screenshot, watched):
    customer = CustomerFactory(name="刘洋")
    ticket = TicketFactory(team=team, customer=customer, subject="发票问题")
    CannedReplyFactory(shortcut="invoice", title="发票说明", body="{customer_name}您好，工单 {ticket_number} 的发票将在三个工作日内开出。")
    CannedReplyFactory(shortcut="thanks", title="致谢", body="感谢您的耐心等待。")
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    box = page.get_by_test_id("reply-body")
    box.click()
    box.type("好的。/inv")
    option = page.get_by_test_id("canned-option")
    option.first.wait_for()
    assert option.count() == 1 and "/invoice" in option.first.inner_text()
    screenshot("ticket-slash-canned")
    box.press("Enter")
    assert box.input_value() == f"好的。刘洋您好，工单 {ticket.number} 的发票将在三个工作日内开出。"
    assert page.get_by_test_id("canned-menu").count() == 0
    assert watched == []


@pytest.mark.django_db(transaction=True)
def test_question_mark_shows_the_shortcuts_and_keys_typed_in_a_field_do_nothing(page, live_server, agent, team, screenshot, watched):
    TicketFactory(team=team, subject="字段里的按键")
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    search = page.get_by_test_id("global-search")
    search.click()
    page.keyboard.type("jk?")
    assert search.input_value() == "jk?"
    assert page.locator("tr.kbd-active").count() == 0
    assert not page.get_by_test_id("shortcut-help").is_visible()

    page.keyboard.press("Escape")  # leaves the field: the keys are shortcuts again
    page.keyboard.press("?")
    help = page.get_by_test_id("shortcut-help")
    assert help.is_visible() and "命令面板" in help.inner_text()
    screenshot("shortcut-help")
    page.keyboard.press("Escape")
    assert not help.is_visible()
    assert watched == []
