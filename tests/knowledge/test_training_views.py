import pytest
from django.utils import timezone

from knowledge import services
from tests.factories import ArticleFactory
from tests.factories.knowledge import quiz_build


@pytest.fixture
def record(supervisor, agent, team):
    quiz = quiz_build()
    article = ArticleFactory(title="七天无理由退货政策", owner=supervisor)
    return services.training_assign(actor=supervisor, title="退货政策培训", due_on=timezone.localdate(),
                                    articles=[article], quiz=quiz, team=team).records.get()


def test_agent_reads_takes_the_quiz_and_sees_what_was_wrong(client_for, agent, record):
    client = client_for(agent)
    page = client.get("/knowledge/training/")
    assert page.status_code == 200 and "退货政策培训" in page.content.decode()
    article = record.assignment.articles.get()
    assert client.get(f"/knowledge/training/{record.pk}/articles/{article.pk}/").status_code == 200
    questions = list(record.assignment.quiz.questions.prefetch_related("choices"))
    empty = client.post(f"/knowledge/training/{record.pk}/quiz/", {})
    assert empty.status_code == 400 and empty.content.decode().count('role="alert"') == len(questions)
    data = {}
    for question in questions:
        data[f"question_{question.pk}"] = [c.pk for c in question.choices.all() if not c.is_correct][:1]
    result = client.post(f"/knowledge/training/{record.pk}/quiz/", data)
    assert result.status_code == 200 and "0.00%" in result.content.decode()
    assert result.content.decode().count('data-right="no"') == 3
    record.refresh_from_db()
    assert record.attempts == 1 and not record.passed and record.read_at


def test_quiz_refuses_a_choice_of_another_question(client_for, agent, record):
    questions = list(record.assignment.quiz.questions.prefetch_related("choices"))
    data = {f"question_{questions[0].pk}": questions[1].choices.first().pk}
    response = client_for(agent).post(f"/knowledge/training/{record.pk}/quiz/", data)
    assert response.status_code == 400


def test_supervisor_page_shows_the_months_completion(client_for, supervisor, agent, record):
    client = client_for(supervisor)
    page = client.get("/knowledge/training/team/")
    assert page.status_code == 200 and agent.display_name in page.content.decode()
    assert client.get("/knowledge/training/team/?month=2026-13").status_code == 400
    csv = client.get(f"/knowledge/training/team/?month={timezone.localdate():%Y-%m}&format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert client.get(f"/knowledge/training/agent/{record.agent_id}/").status_code == 200


def test_knowledge_kpis_show_the_training_completion_per_team(client_for, supervisor, agent, team, record):
    article = record.assignment.articles.get()
    services.training_article_read(record=record, agent=agent, article=article)
    page = client_for(supervisor).get("/knowledge/kpi/")
    # One record due this month, its article read but its quiz not taken: 0 of 1 completed.
    assert [(row["agent__teams__name"], row["due"], row["done"], row["rate"]) for row in page.context["training"]] == [
        (team.name, 1, 0, 0.0)]


def test_admin_refuses_a_question_without_two_choices_or_a_correct_one(client_for, admin_user):
    from knowledge.models import Choice, Question, Quiz

    quiz = Quiz.objects.create(title="小测", pass_mark=60)
    question = Question.objects.create(quiz=quiz, text="运费谁出？", position=1)
    client = client_for(admin_user)

    def post(*choices):
        data = {"quiz": quiz.pk, "text": question.text, "position": 1, "choices-TOTAL_FORMS": len(choices),
                "choices-INITIAL_FORMS": 0, "choices-MIN_NUM_FORMS": 0, "choices-MAX_NUM_FORMS": 1000}
        for index, (text, correct) in enumerate(choices):
            data[f"choices-{index}-text"] = text
            if correct:
                data[f"choices-{index}-is_correct"] = "on"
        return client.post(f"/admin/knowledge/question/{question.pk}/change/", data)

    assert post(("卖家", True)).status_code == 200  # the form again, with its error
    assert post(("卖家", False), ("买家", False)).status_code == 200
    assert not Choice.objects.exists()
    assert post(("卖家", True), ("买家", False)).status_code == 302
    assert Choice.objects.filter(question=question).count() == 2
