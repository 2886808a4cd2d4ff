import datetime as dt
import re

import pytest
from django.utils import timezone

from followups import services, tokens
from followups.models import FollowUpVisit, SurveyResponse
from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory, FollowUpVisitFactory, TicketFactory


@pytest.fixture
def seeded(db):
    """Transactional tests flush migration rows: seed the survey questions and settings again."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    # The seed names the models as that migration knew them (in customers); their tables are today's.
    node = ("customers", "0007_seed_followup_rules_questions")
    historical = MigrationLoader(connection).project_state(node).apps
    importlib.import_module(f"{node[0]}.migrations.{node[1]}").seed(historical, None)


@pytest.mark.django_db(transaction=True)
def test_agent_completes_a_follow_up_call(page, live_server, agent, team, seeded, screenshot):
    customer = CustomerFactory(name="王芳", phone="13800138000")
    overdue = FollowUpVisitFactory(customer=CustomerFactory(name="刘洋洋"), team=team, assignee=agent,
                                   due_at=timezone.now() - dt.timedelta(days=1))
    visit = FollowUpVisitFactory(customer=customer, team=team, assignee=agent, due_at=timezone.now() - dt.timedelta(minutes=10),
                                 script="您好，您的订单已签收一周，请问商品使用是否满意？")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/follow-ups/")
    rows = page.get_by_test_id("followup-row")
    assert rows.count() == 2
    assert "sla-bad" in rows.nth(0).inner_html() and rows.nth(0).get_attribute("data-visit") == str(overdue.pk)
    screenshot("followups-today-agent")

    page.locator(f'[data-visit="{visit.pk}"] [data-testid=followup-open]').click()
    page.wait_for_url(re.compile(r".*/follow-ups/\d+/$"))
    assert "签收一周" in page.get_by_test_id("followup-script").inner_text()
    assert "138****8000" in page.get_by_test_id("followup-phone").inner_text()
    assert "13800138000" not in page.content()
    page.check("input[name=outcome][value=reached]")
    page.select_option("select[name=satisfaction]", "4")
    page.fill("textarea[name=notes]", "客户很满意，建议增加颜色")
    screenshot("followup-call-agent")
    page.get_by_test_id("followup-save").click()
    page.wait_for_url("**/follow-ups/")
    assert page.get_by_test_id("followup-row").count() == 1
    visit.refresh_from_db()
    assert (visit.status, visit.outcome, visit.satisfaction) == ("done", "reached", 4)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_customer_fills_a_survey_on_a_phone(browser, live_server, team, supervisor, seeded):
    ticket = TicketFactory(team=team, customer=CustomerFactory(name="李强"), status="resolved")
    survey = services.survey_create(customer=ticket.customer, ticket=ticket)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        url = f"{live_server.url}/s/{tokens.survey_token(survey)}/"
        page.goto(url)
        assert "解决效率" in page.content()
        # Nothing scrolls sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator("input[name=overall][value='2'] + span").click()
        for code in ("efficiency", "professionalism", "accuracy"):
            page.locator(f"input[name={code}][value='2'] + span").click()
        page.fill("textarea[name=comment]", "物流太慢了")
        page.screenshot(path="/tmp/helpdesk-e2e/survey-phone.png", full_page=True)
        page.get_by_test_id("survey-submit").click()
        page.wait_for_selector("[data-testid=survey-done][data-problem='']")
        page.screenshot(path="/tmp/helpdesk-e2e/survey-phone-done.png", full_page=True)
        response = SurveyResponse.objects.get()
        assert response.overall == 2 and response.comment == "物流太慢了"
        assert response.low_score_ticket.assignee == supervisor
        page.goto(url)
        assert page.get_by_test_id("survey-done").get_attribute("data-problem") == "answered"
        page.screenshot(path="/tmp/helpdesk-e2e/survey-phone-reused.png", full_page=True)
        assert FollowUpVisit.objects.count() == 0
    finally:
        context.close()
