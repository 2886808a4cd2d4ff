import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from helpdesk.roles import Role
from knowledge import selectors, services
from knowledge.models import TrainingEvent, TrainingRecord
from knowledge.scoring import quiz_passed, quiz_score
from tests.factories import ArticleFactory, TeamFactory, UserFactory
from tests.factories.knowledge import quiz_build


def test_score_counts_only_questions_answered_exactly_right():
    key = {1: {10}, 2: {20}, 3: {30, 31}}
    # Question 1 right; 2 wrong; 3 half right (one of its two correct choices) counts as wrong: 1 of 3 = 33.33 %.
    assert quiz_score(key, {1: {10}, 2: {21}, 3: {30}}) == (Decimal("33.33"), [2, 3])
    assert quiz_score(key, {1: {10}, 2: {20}, 3: {30, 31}}) == (Decimal("100.00"), [])
    # Ticking a wrong choice beside the right ones spoils the question: 2 of 3 = 66.67 %.
    assert quiz_score(key, {1: {10}, 2: {20}, 3: {30, 31, 32}}) == (Decimal("66.67"), [3])


def test_pass_mark_is_reached_at_equality():
    assert quiz_passed(Decimal("60.00"), 60) and not quiz_passed(Decimal("59.99"), 60)


@pytest.fixture
def quiz(db):
    return quiz_build()


@pytest.fixture
def articles(supervisor):
    return [ArticleFactory(title="七天无理由退货政策", owner=supervisor), ArticleFactory(title="退款多久到账", owner=supervisor)]


def _key(quiz) -> dict:
    return {q.pk: [c.pk for c in q.choices.all() if c.is_correct] for q in quiz.questions.prefetch_related("choices")}


def _wrong(quiz) -> dict:
    return {q.pk: [c.pk for c in q.choices.all() if not c.is_correct][:1] for q in quiz.questions.prefetch_related("choices")}


@pytest.fixture
def assignment(supervisor, agent, team, quiz, articles):
    return services.training_assign(actor=supervisor, title="退货政策培训", due_on=timezone.localdate() + dt.timedelta(days=7),
                                    articles=articles, quiz=quiz, team=team)


def test_team_assignment_covers_the_members_of_the_moment_without_the_assigner(assignment, agent, supervisor, team):
    later = UserFactory(username="t-late", role=Role.AGENT, teams=[team])
    agents = set(assignment.records.values_list("agent_id", flat=True))
    assert agents == {agent.pk} and later.pk not in agents
    record = assignment.records.get()
    assert list(record.events.values_list("kind", "actor_id")) == [("assigned", supervisor.pk)]


def test_supervisor_assigns_only_within_their_teams(supervisor, other_team, quiz):
    stranger = UserFactory(username="t-stranger", role=Role.AGENT, teams=[other_team])
    due = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.training_assign(actor=supervisor, title="x", due_on=due, quiz=quiz, team=other_team, agents=[stranger])
    assert set(error.value.message_dict) == {"team", "agents"}


def test_manager_assigns_any_team(manager, other_team, quiz):
    stranger = UserFactory(username="t-stranger", role=Role.AGENT, teams=[other_team])
    assignment = services.training_assign(actor=manager, title="x", due_on=timezone.localdate(), quiz=quiz, team=other_team)
    assert list(assignment.records.values_list("agent_id", flat=True)) == [stranger.pk]


def test_agents_do_not_assign(agent, quiz):
    with pytest.raises(PermissionDenied):
        services.training_assign(actor=agent, title="x", due_on=timezone.localdate(), quiz=quiz, agents=[agent])


def test_assignment_needs_content_a_future_day_and_a_ready_quiz(supervisor, team, agent):
    broken = quiz_build(questions=[("只有一个选项", [("是", True)])])
    with pytest.raises(ValidationError) as error:
        services.training_assign(actor=supervisor, title=" ", due_on=timezone.localdate() - dt.timedelta(days=1),
                                 quiz=broken, team=team)
    assert set(error.value.message_dict) == {"title", "due_on", "quiz"}
    with pytest.raises(ValidationError) as error:
        services.training_assign(actor=supervisor, title="x", due_on=timezone.localdate(), team=team)
    assert set(error.value.message_dict) == {"articles"}


def test_reading_every_article_and_passing_completes_the_record(assignment, agent, articles, quiz):
    record = assignment.records.get()
    services.training_article_read(record=record, agent=agent, article=articles[0])
    services.training_article_read(record=record, agent=agent, article=articles[0])  # once is enough
    record.refresh_from_db()
    assert record.read_at is None and record.completed_at is None
    # Wrong answers everywhere: 0 of 3, below the pass mark of 60 %.
    attempt = services.training_quiz_submit(record=record, agent=agent, answers=_wrong(quiz))
    assert (attempt.number, attempt.score, attempt.passed) == (1, Decimal("0.00"), False)
    answers = _key(quiz)
    first = next(iter(answers))
    answers[first] = _wrong(quiz)[first]  # 2 of 3 right: 66.67 % ≥ 60 %
    attempt = services.training_quiz_submit(record=record, agent=agent, answers=answers)
    assert (attempt.number, attempt.score, attempt.passed) == (2, Decimal("66.67"), True)
    record.refresh_from_db()
    assert record.passed and record.completed_at is None  # one article still unread
    services.training_article_read(record=record, agent=agent, article=articles[1])
    record.refresh_from_db()
    assert record.read_at and record.completed_at and record.attempts == 2 and record.score == Decimal("66.67")
    assert list(record.events.order_by("id").values_list("kind", flat=True)) == [
        "assigned", "read", "quiz", "quiz", "read", "completed"]
    assert attempt.answers == {str(q): sorted(c) for q, c in answers.items()}
    with pytest.raises(ValidationError):
        services.training_quiz_submit(record=record, agent=agent, answers=_key(quiz))


def test_quiz_answers_are_checked_per_question(assignment, agent, quiz):
    record = assignment.records.get()
    questions = list(quiz.questions.prefetch_related("choices"))
    other_choice = questions[1].choices.first().pk
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.training_quiz_submit(record=record, agent=agent, answers={questions[0].pk: [other_choice]})
    assert error.value.message_dict == {
        f"question_{questions[0].pk}": ["Choose among this question's answers."],
        f"question_{questions[1].pk}": ["Answer this question."],
        f"question_{questions[2].pk}": ["Answer this question."]}
    record.refresh_from_db()
    assert record.attempts == 0 and not TrainingEvent.objects.filter(kind="quiz").exists()


def test_only_the_records_agent_takes_part(assignment, supervisor, articles):
    record = assignment.records.get()
    with pytest.raises(PermissionDenied):
        services.training_article_read(record=record, agent=supervisor, article=articles[0])


def test_scopes_agents_see_their_own_supervisors_their_teams(assignment, agent, supervisor, manager, other_team, quiz):
    other_supervisor = UserFactory(username="t-sup2", role=Role.SUPERVISOR, teams=[other_team])
    colleague = UserFactory(username="t-colleague", role=Role.AGENT, teams=[other_team])
    services.training_assign(actor=other_supervisor, title="物流培训", due_on=timezone.localdate(), quiz=quiz,
                             team=other_team)
    mine = assignment.records.get()
    theirs = TrainingRecord.objects.get(agent=colleague)
    assert list(selectors.training_record_list_for_viewer(viewer=agent)) == [mine]
    assert list(selectors.training_record_list_for_viewer(viewer=colleague)) == [theirs]
    assert list(selectors.training_record_list_for_viewer(viewer=supervisor)) == [mine]
    assert set(selectors.training_record_list_for_viewer(viewer=manager)) == {mine, theirs}
    assert list(selectors.training_assignment_list_for_viewer(viewer=colleague).values_list("title", flat=True)) == ["物流培训"]
    assert list(selectors.training_assignment_list_for_viewer(viewer=supervisor)) == [assignment]


def test_completion_by_agent_counts_the_months_due_records(db):
    team = TeamFactory()
    lead = UserFactory(username="t-lead", role=Role.SUPERVISOR, teams=[team])
    done = UserFactory(username="t-done", role=Role.AGENT, teams=[team])
    lagging = UserFactory(username="t-lagging", role=Role.AGENT, teams=[team])
    article = ArticleFactory(owner=lead)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.timezone.utc)):
        for due in (dt.date(2026, 11, 10), dt.date(2026, 11, 20), dt.date(2026, 12, 5)):
            services.training_assign(actor=lead, title=f"培训 {due}", due_on=due, articles=[article], team=team)
        for record in TrainingRecord.objects.filter(agent=done):
            services.training_article_read(record=record, agent=done, article=article)
        first = TrainingRecord.objects.filter(agent=lagging).order_by("assignment__due_on").first()
        services.training_article_read(record=first, agent=lagging, article=article)
    # November: done completed 2 of 2 (100 %), lagging 1 of 2 (50 %); December's record is not counted.
    assert selectors.training_completion_by_agent(first=dt.date(2026, 11, 1), last=dt.date(2026, 11, 30)) == {
        done.pk: 100.0, lagging.pk: 50.0}
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc)):
        report = selectors.training_month_completion(viewer=lead, first=dt.date(2026, 11, 1), last=dt.date(2026, 11, 30))
    assert [(row["due"], row["done"], row["overdue"], row["rate"]) for row in report["teams"]] == [(4, 3, 1, 75.0)]
    assert {row["agent__username"]: row["rate"] for row in report["agents"]} == {"t-done": 100.0, "t-lagging": 50.0}


def test_assigned_agents_are_notified_with_a_link_to_my_training(supervisor, agent, team, quiz, articles, mailoutbox):
    from sla.models import Notification
    from sla.services import notification_email_send

    other = UserFactory(username="t-agent-2", role=Role.AGENT, teams=[team], email="agent2@example.com")
    services.training_assign(actor=supervisor, title="退货政策培训", due_on=dt.date(2099, 1, 31), articles=articles,
                             quiz=quiz, team=team)
    notifications = Notification.objects.filter(kind=Notification.Kind.TRAINING)
    assert set(notifications.values_list("recipient_id", flat=True)) == {agent.pk, other.pk}  # not the assigner
    notification = notifications.get(recipient=other)
    assert "退货政策培训" in notification.text and "2099-01-31" in notification.text and str(supervisor) in notification.text
    assert notification.link == "/knowledge/training/"
    assert notification_email_send(notification_id=notification.pk) is True
    [message] = mailoutbox
    assert message.to == ["agent2@example.com"] and message.subject == notification.text
    assert "/knowledge/training/" in message.body


def test_a_refused_assignment_notifies_nobody(supervisor, other_team, quiz):
    from sla.models import Notification

    with pytest.raises(ValidationError):
        services.training_assign(actor=supervisor, title="越权培训", due_on=dt.date(2099, 1, 31), quiz=quiz,
                                 team=other_team)
    assert not Notification.objects.filter(kind="training").exists()
