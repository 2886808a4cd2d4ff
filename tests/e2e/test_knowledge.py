import pytest

from knowledge.models import Article, ArticleViewDay, Deflection
from tests.factories import ArticleFactory

PHONE = {"width": 390, "height": 844}


@pytest.mark.django_db(transaction=True)
def test_customer_on_a_phone_searches_the_help_centre_and_reads_the_return_policy(browser, live_server):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    policy = ArticleFactory(title="七天无理由退货政策", body="## 如何申请\n\n自签收之日起 **7 天内**，商品完好即可申请退货。")
    ArticleFactory(title="退款多久到账", body="微信支付1-3个工作日到账。")
    ArticleFactory(title="平台规则：退货赔付红线", body="内部参考。", audience=Article.Audience.AGENTS)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/help/")
    page.screenshot(path=str(SCREENSHOTS / "help-index-phone.png"), full_page=True)
    page.fill("input[name=q]", "退货")
    page.press("input[name=q]", "Enter")
    results = page.get_by_test_id("help-result")
    results.first.wait_for()
    titles = results.all_inner_texts()
    assert titles[0] == "七天无理由退货政策" and "平台规则：退货赔付红线" not in titles
    page.screenshot(path=str(SCREENSHOTS / "help-search-phone.png"), full_page=True)
    results.first.click()
    page.get_by_test_id("help-article").wait_for()
    assert "7 天内" in page.get_by_test_id("help-article").inner_text()
    page.get_by_test_id("help-solved").click()
    page.get_by_test_id("help-solved-done").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "help-article-phone.png"), full_page=True)

    assert ArticleViewDay.objects.get(article=policy).views == 1
    assert Deflection.objects.get().source == "help"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    assert errors == []
    context.close()


@pytest.mark.django_db(transaction=True)
def test_agent_inserts_a_suggested_article_into_a_reply(page, live_server, agent, team, screenshot):
    from tests.e2e.test_shell import log_in
    from tests.factories import TicketFactory, TicketMessageFactory

    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    policy = ArticleFactory(title="七天无理由退货政策", body="自签收之日起 **7 天内**，商品完好即可申请退货。")
    ArticleFactory(title="平台规则：退货赔付红线", body="补偿超过200元须主管审批。", audience=Article.Audience.AGENTS)
    ticket = TicketFactory(team=team, subject="想退货，七天内可以吗", assignee=agent)
    TicketMessageFactory(ticket=ticket, body="收到的鞋子不合适，想退货。")

    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    suggestions = page.get_by_test_id("ticket-article")
    suggestions.first.wait_for()
    assert "七天无理由退货政策" in suggestions.all_inner_texts()[0]
    page.get_by_test_id("kb-insert-link").first.click()
    body = page.locator("#reply-form textarea[name=body]")
    assert body.input_value() == f"七天无理由退货政策: {live_server.url}/help/{policy.pk}/"
    screenshot("ticket-knowledge-insert")
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_visitor_sees_frequent_questions_in_the_chat_widget_and_one_solves_the_problem(browser, live_server, agent, team):
    from chat.models import AgentPresence
    from tests.e2e.conftest import SCREENSHOTS
    from tests.factories import ChatWidgetFactory

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ChatWidgetFactory(key="demo-shop", name="优品生活旗舰店", team=team)
    AgentPresence.objects.create(user=agent, status=AgentPresence.Status.ONLINE)
    ArticleFactory(title="七天无理由退货政策", body="签收后7天内可退货。")
    ArticleFactory(title="如何开具发票", body="默认开具电子普通发票。")
    ArticleFactory(title="平台规则：退货赔付红线", body="内部参考。", audience=Article.Audience.AGENTS)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/demo/shop/")
    page.get_by_test_id("chat-bubble").click()
    faq = page.get_by_test_id("chat-faq")
    page.locator(".hdc-faq-list li", has_text="七天无理由退货政策").wait_for()  # the newest public ones first
    assert "常见问题" in faq.inner_text()
    page.get_by_test_id("chat-faq-q").fill("发票")
    page.locator(".hdc-faq-list li", has_text="七天无理由退货政策").wait_for(state="detached")
    page.locator(".hdc-faq-list li", has_text="如何开具发票").wait_for()
    assert "如何开具发票" in faq.inner_text() and "平台规则" not in faq.inner_text()
    page.get_by_test_id("chat-faq-solved").click()
    page.get_by_text("谢谢！很高兴帮到您。").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "chat-widget-faq-phone.png"), full_page=True)
    assert Deflection.objects.get().source == "widget"
    assert errors == []
    context.close()
