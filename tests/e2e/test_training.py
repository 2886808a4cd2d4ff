import pytest

from knowledge.models import TrainingRecord
from tests.factories import ArticleFactory


@pytest.mark.django_db(transaction=True)
def test_supervisor_assigns_the_quiz_the_agent_passes_it_and_the_supervisor_sees_completion(
        browser, live_server, agent, supervisor, team, screenshot, page):
    from knowledge.demo import QUIZ_QUESTIONS, demo_quiz_load
    from tests.e2e.test_shell import log_in

    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    quiz = demo_quiz_load()
    ArticleFactory(title="七天无理由退货政策", body="自签收之日起 **7 天内**，商品完好即可申请退货。", owner=supervisor)

    # The supervisor assigns the article and the quiz to the team.
    log_in(page, live_server, supervisor.username)
    page.wait_for_url("**/inbox/")
    page.get_by_role("link", name="我的培训").click()
    page.get_by_test_id("training-assign-link").click()
    page.fill("#id_title", "退货政策培训")
    page.select_option("#id_team", str(team.pk))
    page.select_option("#id_articles", label="七天无理由退货政策")
    page.select_option("#id_quiz", str(quiz.pk))
    page.fill("#id_due_on", "2099-12-31")
    screenshot("training-assign")
    page.get_by_test_id("training-assign-save").click()
    page.get_by_test_id("training-team").wait_for()
    page.context.clear_cookies()

    # The agent reads the article and passes the quiz on the second try.
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.get_by_role("link", name="我的培训").click()
    row = page.get_by_test_id("training-open")
    assert "退货政策培训" in row.inner_text()
    screenshot("training-mine")
    row.get_by_role("link").click()
    page.get_by_test_id("training-article").get_by_role("link").click()
    assert "7 天内" in page.get_by_test_id("training-read").inner_text()
    page.get_by_test_id("training-back").click()
    page.get_by_test_id("training-take-quiz").click()
    page.get_by_test_id("quiz-submit").click()  # nothing answered: each question says so
    assert page.locator("[data-testid=quiz-question] .error").count() == 3
    for index, (_text, choices) in enumerate(QUIZ_QUESTIONS):
        question = page.get_by_test_id("quiz-question").nth(index)
        for choice, correct in choices:
            if correct:
                question.get_by_label(choice, exact=True).check()
    screenshot("training-quiz")
    page.get_by_test_id("quiz-submit").click()
    result = page.get_by_test_id("quiz-result")
    assert "100.00%" in result.inner_text()
    screenshot("training-quiz-result")
    record = TrainingRecord.objects.get(agent=agent)
    assert record.passed and record.completed_at is not None and record.attempts == 1
    page.context.clear_cookies()

    # The supervisor sees the team's completion for the month.
    log_in(page, live_server, supervisor.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/knowledge/training/team/?month=2099-12")
    assert "100.0%" in page.get_by_test_id("training-team-rate").first.inner_text()
    screenshot("training-team")
    assert errors == []
