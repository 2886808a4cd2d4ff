import datetime as dt

import pytest
from django.utils import timezone

from helpdesk.roles import Role
from knowledge import services
from tests.factories import ArticleFactory, UserFactory
from tests.factories.knowledge import quiz_build

URL = "/api/v1/training/assignments/"


@pytest.fixture
def quiz(db):
    return quiz_build()


@pytest.fixture
def record(supervisor, agent, team, quiz):
    article = ArticleFactory(owner=supervisor)
    assignment = services.training_assign(actor=supervisor, title="退货政策培训", due_on=timezone.localdate(),
                                          articles=[article], quiz=quiz, team=team)
    return assignment.records.get()


def _answers(quiz, right: bool) -> list:
    return [{"question": q.pk, "choices": [c.pk for c in q.choices.all() if c.is_correct == right][:None if right else 1]}
            for q in quiz.questions.prefetch_related("choices")]


def test_supervisor_assigns_a_team_and_the_agent_lists_it(api, supervisor, agent, team, quiz):
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = api(supervisor).post(URL, {"title": "售后培训", "due_on": due, "quiz": quiz.pk, "team": team.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert [row["agent"] for row in response.json()["records"]] == [agent.pk]
    listed = api(agent).get(URL).json()["results"]
    assert [(row["title"], [r["agent"] for r in row["records"]]) for row in listed] == [("售后培训", [agent.pk])]


def test_assign_refuses_bad_input_with_field_errors(api, supervisor, other_team, quiz):
    response = api(supervisor).post(URL, {"title": "", "due_on": 20260101, "quiz": 999999, "team": other_team.pk},
                                    format="json")
    assert response.status_code == 400 and set(response.json()) == {"title", "due_on", "quiz"}
    response = api(supervisor).post(URL, {"title": "x", "due_on": timezone.localdate().isoformat(), "quiz": quiz.pk,
                                          "team": other_team.pk}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"team"}


def test_agents_may_not_assign(api, agent, quiz):
    response = api(agent).post(URL, {"title": "x", "due_on": timezone.localdate().isoformat(), "quiz": quiz.pk,
                                     "agents": [agent.pk]}, format="json")
    assert response.status_code == 403


def test_quiz_submission_scores_and_names_the_wrong_questions(api, agent, record, quiz):
    url = f"/api/v1/training/records/{record.pk}/quiz/"
    answers = _answers(quiz, right=True)
    answers[0] = _answers(quiz, right=False)[0]
    response = api(agent).post(url, {"answers": answers}, format="json")
    assert response.status_code == 200
    body = response.json()
    # 2 of 3 questions exactly right: 66.67 %, at or above the pass mark of 60 %.
    assert (body["score"], body["passed"], body["number"], body["wrong_questions"]) == (
        "66.67", True, 1, [answers[0]["question"]])


def test_quiz_submission_refuses_missing_and_foreign_answers(api, agent, record, quiz):
    url = f"/api/v1/training/records/{record.pk}/quiz/"
    questions = list(quiz.questions.prefetch_related("choices"))
    foreign = questions[1].choices.first().pk
    response = api(agent).post(url, {"answers": [{"question": questions[0].pk, "choices": [foreign]}]}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {f"question_{q.pk}" for q in questions}
    assert api(agent).post(url, {"answers": "all"}, format="json").status_code == 400
    assert api(agent).post(url, {"answers": [{"question": "x", "choices": [1]}]}, format="json").status_code == 400
    record.refresh_from_db()
    assert record.attempts == 0


def test_only_the_agent_submits_and_other_agents_see_nothing(api, supervisor, record, quiz, other_team):
    url = f"/api/v1/training/records/{record.pk}/quiz/"
    assert api(supervisor).post(url, {"answers": _answers(quiz, True)}, format="json").status_code == 404
    assert api(supervisor).get(f"/api/v1/training/records/{record.pk}/").status_code == 200
    stranger = UserFactory(username="t-stranger", role=Role.AGENT, teams=[other_team])
    assert api(stranger).get(f"/api/v1/training/records/{record.pk}/").status_code == 404
    assert api(stranger).get("/api/v1/training/records/").json()["results"] == []
    assert api(stranger).get(URL).json()["results"] == []


def test_read_marks_an_assigned_article(api, agent, record):
    article = record.assignment.articles.get()
    url = f"/api/v1/training/records/{record.pk}/read/"
    assert api(agent).post(url, {"article": 999999}, format="json").status_code == 400
    response = api(agent).post(url, {"article": article.pk}, format="json")
    assert response.status_code == 200 and response.json()["read_at"]


def test_assign_answers_out_of_range_ids_with_field_errors(api, supervisor, agent):
    response = api(supervisor).post(URL, {"title": "x", "due_on": "2099-01-01", "quiz": 2**70, "team": 2**70,
                                          "articles": [2**70], "agents": [-1]}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"quiz", "team", "articles", "agents"}
