import pytest

from tests.factories.helpdesk import PASSWORD


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")


@pytest.mark.django_db(transaction=True)
def test_agent_sees_the_shell_in_chinese_then_switches_to_english(page, live_server, agent, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))

    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "客服工作台"
    screenshot("login-zh")
    log_in(page, live_server, agent.username)

    page.wait_for_url("**/inbox/")
    nav = page.locator("#main-nav a")
    assert nav.all_inner_texts() == ["收件箱", "在线客服", "工单", "记录电话", "客户", "订单", "退换货", "差评", "回访", "考核", "知识库", "我的培训", "快捷回复"]
    who = page.get_by_test_id("who")
    assert agent.display_name in who.inner_text()
    assert "客服专员" in who.inner_text() and team.name in who.inner_text()
    screenshot("shell-zh")

    page.click("button[data-lang=en]")
    page.wait_for_selector("nav a:has-text('Inbox')")
    assert page.locator("#main-nav a").all_inner_texts() == ["Inbox", "Live chat", "Tickets", "Log a call", "Customers", "Orders",
                                                       "Returns", "Negative reviews", "Follow-ups", "Scorecards", "Knowledge base", "My training", "Canned replies"]
    assert "Agent" in page.get_by_test_id("who").inner_text()
    screenshot("shell-en")

    page.click("nav a[data-nav=customers]")
    page.wait_for_url("**/customers/")
    assert page.locator("h1").inner_text() == "Customers"
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_supervisor_sees_kpi_and_logs_out(page, live_server, supervisor):
    log_in(page, live_server, supervisor.username)
    page.wait_for_url("**/inbox/")
    page.click("nav a[data-nav=kpi]")
    page.wait_for_url("**/kpi/")
    page.locator('[data-metric="consultation_volume"]').wait_for()
    assert page.locator(".page-title").inner_text() == "绩效看板"
    page.click("text=退出登录")
    page.wait_for_url("**/login/")
    page.goto(f"{live_server.url}/kpi/")
    assert "/login/" in page.url
