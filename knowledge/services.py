"""Every write of the knowledge base: articles and their versions, status steps, views, misses, deflections, training."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.rate_limits import counters_over
from knowledge import workflow
from sla.models import Notification
from sla.services import notification_send
from helpdesk.models import Team, User
from helpdesk.teams import team_ids_for_user
from knowledge.models import (
    Article, ArticleEvent, ArticleFlag, ArticleRead, ArticleVersion, ArticleViewDay, Deflection, Quiz, QuizAttempt,
    SearchMiss, TrainingAssignment, TrainingEvent, TrainingRecord,
)
from knowledge.scoring import quiz_passed, quiz_score

EDITABLE = ("title", "body", "category", "tags", "audience", "language", "products")
TERM_LENGTH = 100


def _event(article: Article, kind: str, actor=None, note: str = "") -> None:
    ArticleEvent.objects.create(article=article, kind=kind, actor=actor, note=note)


def _ensure_writer(actor) -> None:
    if not actor.has_perm("knowledge.change_article"):
        raise PermissionDenied(_("Only supervisors and admins write articles."))


def _clean(fields: dict) -> dict:
    """Return the fields with text stripped; raise ValidationError for a missing title or body or a bad choice."""
    cleaned = {key: (value.strip() if isinstance(value, str) else value) for key, value in fields.items()}
    errors = {}
    for key in ("title", "body"):
        if key in cleaned and not cleaned[key]:
            errors[key] = [_("This field is required.")]
    if "audience" in cleaned and cleaned["audience"] not in Article.Audience.values:
        errors["audience"] = [_("Choose public or agents only.")]
    if "language" in cleaned and cleaned["language"] not in Article.Language.values:
        errors["language"] = [_("Choose Simplified Chinese or English.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def article_create(*, actor, title: str, body: str, category: str = "", tags: str = "",
                   audience: str = Article.Audience.PUBLIC, language: str = Article.Language.ZH_HANS,
                   products: str = "") -> Article:
    """Write a new draft owned by the actor, with its first version."""
    _ensure_writer(actor)
    fields = _clean({"title": title, "body": body, "category": category, "tags": tags, "audience": audience,
                     "language": language, "products": products})
    article = Article.objects.create(owner=actor, version=1, **fields)
    ArticleVersion.objects.create(article=article, number=1, title=article.title, body=article.body, author=actor)
    _event(article, "created", actor)
    return article


@transaction.atomic
def article_update(*, article: Article, actor, **fields) -> Article:
    """Change an article's fields; a changed title or body is kept as a new version."""
    _ensure_writer(actor)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({key: [_("This field cannot be changed.")] for key in sorted(unknown)})
    fields = _clean(fields)
    article = Article.objects.select_for_update().get(pk=article.pk)
    changed = [key for key, value in fields.items() if getattr(article, key) != value]
    if not changed:
        return article
    for key in changed:
        setattr(article, key, fields[key])
    if {"title", "body"} & set(changed):
        article.version += 1
        changed.append("version")
        ArticleVersion.objects.create(article=article, number=article.version, title=article.title,
                                      body=article.body, author=actor)
    article.save(update_fields=[*changed, "updated_at"])
    _event(article, "edited", actor, ", ".join(key for key in changed if key != "version"))
    return article


@transaction.atomic
def article_transition(*, article: Article, actor, target: str, note: str = "") -> Article:
    """Move an article to the target status: submit for review, publish, send back to draft or archive.

    Publishing, and sending an article in review back, is the reviewer's step (``knowledge.publish_article``).
    """
    _ensure_writer(actor)
    if target not in Article.Status.values:
        raise ValidationError({"status": [_("Choose draft, in review, published or archived.")]})
    article = Article.objects.select_for_update().get(pk=article.pk)
    workflow.ensure_allowed(article.status, target)
    reviewing = target == workflow.PUBLISHED or (article.status == workflow.IN_REVIEW and target == workflow.DRAFT)
    if reviewing and not actor.has_perm("knowledge.publish_article"):
        raise PermissionDenied(_("Only a reviewer may publish an article or send it back."))
    previous, article.status = article.status, target
    fields = ["status", "updated_at"]
    if target == workflow.PUBLISHED:
        article.published_at = timezone.now()
        fields.append("published_at")
    article.save(update_fields=fields)
    _event(article, target, actor, note or f"{previous} → {target}")
    return article


@transaction.atomic
def article_flag(*, article: Article, actor, note: str) -> ArticleFlag:
    """Flag an article as outdated with a note; its owner gets an in-app notification (and an e-mail)."""
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError({"note": [_("Say what is outdated.")]})
    if len(note) > 500:
        raise ValidationError({"note": [_("Enter at most 500 characters.")]})
    article = Article.objects.select_for_update().select_related("owner").get(pk=article.pk)
    flag = ArticleFlag.objects.create(article=article, flagged_by=actor, note=note)
    _event(article, "flagged", actor, note)
    notification_send(recipients=[article.owner], kind=Notification.Kind.ARTICLE_FLAG,
                      text=_("Article flagged as outdated: %(title)s — %(note)s") % {"title": article.title, "note": note},
                      link=reverse("knowledge:article_detail", args=[article.pk]))
    return flag


def _count_up(model, lookup: dict, counter: str, **extra) -> None:
    """Add one to a counter row, creating it on first use; concurrent first uses both count."""
    rows = model.objects.filter(**lookup)
    if rows.update(**{counter: F(counter) + 1}, **extra):
        return
    try:
        with transaction.atomic():
            model.objects.create(**lookup, **{counter: 1}, **extra)
    except IntegrityError:
        rows.update(**{counter: F(counter) + 1}, **extra)


def article_view_count(*, article: Article, day: dt.date | None = None) -> None:
    """Count one reading of an article on its day's row (Asia/Shanghai date)."""
    _count_up(ArticleViewDay, {"article": article, "day": day or timezone.localdate()}, "views")


def search_miss_record(*, term: str) -> None:
    """Count a help-centre search term that found nothing."""
    term = " ".join((term or "").split())[:TERM_LENGTH].lower()
    if term:
        _count_up(SearchMiss, {"term": term}, "count", last_at=timezone.now())


def deflection_record(*, article: Article, source: str) -> Deflection:
    """Count a customer's "this solved my problem" on a public article (nothing is filed)."""
    if source not in Deflection.Source.values:
        raise ValidationError({"source": [_("Choose the help centre, the web form or the chat widget.")]})
    return Deflection.objects.create(article=article, source=source)


def help_rate_limited(*, ip: str, what: str) -> bool:
    """Count one public "solved" answer or suggestion lookup from this address; True when it is over its limit."""
    limit, window = ((settings.HELP_SOLVED_PER_HOUR, 3600) if what == "solved"
                     else (settings.HELP_SUGGEST_PER_MINUTE, 60))
    return counters_over(((f"knowledge:help:{what}:ip:{ip}", limit, window),))


# Training (培训): assignments, reading, quizzes.

def quiz_problems(quiz: Quiz) -> list[str]:
    """Return what keeps a quiz from being taken: no questions, a question with < 2 choices or none correct."""
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        return [_("The quiz has no questions.")]
    problems = []
    for question in questions:
        choices = list(question.choices.all())
        if len(choices) < 2 or not any(choice.is_correct for choice in choices):
            problems.append(_("“%(question)s” needs at least two choices and at least one correct one.")
                            % {"question": question.text})
    return problems


def _assignable_agents(actor, team: Team | None, agents) -> list[User]:
    """Return the agents an assignment covers; raise ValidationError for a team or agent outside the actor's teams."""
    every_team = actor.has_perm("knowledge.assign_any_team")
    own_teams = set(team_ids_for_user(user=actor))
    errors = {}
    if team is not None and not every_team and team.pk not in own_teams:
        errors["team"] = [_("Choose one of your teams.")]
    chosen = {agent.pk: agent for agent in agents}
    if chosen and not every_team:
        allowed = set(User.objects.filter(pk__in=chosen, teams__in=own_teams).values_list("pk", flat=True))
        if set(chosen) - allowed:
            errors["agents"] = [_("Choose agents of your teams.")]
    if errors:
        raise ValidationError(errors)
    if team is not None:
        # A team assignment covers the team's members at this moment; who joins later is assigned anew.
        for member in team.members.filter(is_active=True).exclude(pk=actor.pk):
            chosen.setdefault(member.pk, member)
    if not chosen:
        raise ValidationError({"agents": [_("Choose a team with members or at least one agent.")]})
    return list(chosen.values())


@transaction.atomic
def training_assign(*, actor, title: str, due_on: dt.date, articles=(), quiz: Quiz | None = None,
                    team: Team | None = None, agents=()) -> TrainingAssignment:
    """Assign articles and/or a quiz to agents or a team by a due date: one record per agent, each with an event.

    Supervisors assign within their teams; holders of ``knowledge.assign_any_team`` (managers) to any team.
    Each assigned agent is notified in the app (and by e-mail), with a link to 我的培训.
    """
    if not actor.has_perm("knowledge.add_trainingassignment"):
        raise PermissionDenied(_("Only supervisors and managers assign training."))
    title = " ".join((title or "").split())
    articles = list(articles)
    errors = {}
    if not title:
        errors["title"] = [_("This field is required.")]
    if not articles and quiz is None:
        errors["articles"] = [_("Choose articles, a quiz, or both.")]
    if any(article.status != workflow.PUBLISHED for article in articles):
        errors["articles"] = [_("Choose published articles.")]
    if quiz is not None and (problems := quiz_problems(quiz)):
        errors["quiz"] = problems
    if due_on is None or due_on < timezone.localdate():
        errors["due_on"] = [_("Choose today or a later day.")]
    if errors:
        raise ValidationError(errors)
    covered = _assignable_agents(actor, team, agents)
    assignment = TrainingAssignment.objects.create(title=title, quiz=quiz, team=team, due_on=due_on, created_by=actor)
    assignment.articles.set(articles)
    records = TrainingRecord.objects.bulk_create(
        [TrainingRecord(assignment=assignment, agent=agent) for agent in sorted(covered, key=lambda a: a.pk)])
    TrainingEvent.objects.bulk_create([
        TrainingEvent(record=record, kind=TrainingEvent.Kind.ASSIGNED, actor=actor,
                      note=_("Due on %(day)s") % {"day": due_on.isoformat()}) for record in records])
    notification_send(recipients=covered, kind=Notification.Kind.TRAINING, link=reverse("knowledge:training_mine"),
                      text=_("Training assigned by %(who)s: %(title)s, due on %(day)s") % {
                          "who": actor, "title": title, "day": due_on.isoformat()})
    return assignment


def _complete_if_done(record: TrainingRecord, actor, article_count: int) -> None:
    """Mark a locked record completed once every article is read and the quiz (if any) is passed."""
    if record.completed_at is not None:
        return
    read_all = article_count == 0 or record.read_at is not None
    quiz_done = record.assignment.quiz_id is None or record.passed
    if not (read_all and quiz_done):
        return
    record.completed_at = timezone.now()
    record.passed = True
    record.save(update_fields=["completed_at", "passed"])
    TrainingEvent.objects.create(record=record, kind=TrainingEvent.Kind.COMPLETED, actor=actor,
                                 note="" if record.score is None else f"{record.score}%")


def _locked_record(record: TrainingRecord, agent) -> TrainingRecord:
    if record.agent_id != agent.pk:
        raise PermissionDenied(_("This is another agent's training."))
    return TrainingRecord.objects.select_for_update().select_related("assignment").get(pk=record.pk)


@transaction.atomic
def training_article_read(*, record: TrainingRecord, agent, article: Article) -> TrainingRecord:
    """Mark one assigned article read by the record's agent; the first reading of each leaves an event."""
    record = _locked_record(record, agent)
    assigned = set(record.assignment.articles.values_list("pk", flat=True))
    if article.pk not in assigned:
        raise ValidationError({"article": [_("This article is not part of the assignment.")]})
    _read, created = ArticleRead.objects.get_or_create(record=record, article=article)
    if not created:
        return record
    TrainingEvent.objects.create(record=record, kind=TrainingEvent.Kind.READ, actor=agent, note=article.title)
    if record.read_at is None and record.reads.count() == len(assigned):
        record.read_at = timezone.now()
        record.save(update_fields=["read_at"])
    _complete_if_done(record, agent, len(assigned))
    return record


def _quiz_answers(quiz: Quiz, answers: dict) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Return the quiz's answer key and the cleaned answers; raise ValidationError naming each bad question."""
    key: dict[int, set[int]] = {}
    offered: dict[int, set[int]] = {}
    for question in quiz.questions.prefetch_related("choices"):
        key[question.pk] = {choice.pk for choice in question.choices.all() if choice.is_correct}
        offered[question.pk] = {choice.pk for choice in question.choices.all()}
    cleaned, errors = {}, {}
    try:
        given = {int(question): value for question, value in (answers or {}).items()}
    except (TypeError, ValueError):
        raise ValidationError({"answers": [_("Answers are keyed by question id.")]}) from None
    for question in sorted(set(given) - set(key)):
        errors[f"question_{question}"] = [_("This question is not part of the quiz.")]
    for question, choices in offered.items():
        value = given.get(question)
        try:
            chosen = {int(choice) for choice in ([value] if isinstance(value, (int, str)) else value or [])}
        except (TypeError, ValueError):
            chosen = {-1}
        if not chosen:
            errors[f"question_{question}"] = [_("Answer this question.")]
        elif chosen - choices:
            errors[f"question_{question}"] = [_("Choose among this question's answers.")]
        cleaned[question] = chosen
    if errors:
        raise ValidationError(errors)
    return key, cleaned


@transaction.atomic
def training_quiz_submit(*, record: TrainingRecord, agent, answers: dict) -> QuizAttempt:
    """Score the agent's answers to the assignment's quiz, store them as an attempt, and complete the record if done.

    Retakes are allowed until the quiz is passed; the record keeps the latest score.
    """
    record = _locked_record(record, agent)
    quiz = record.assignment.quiz
    if quiz is None:
        raise ValidationError({"answers": [_("This assignment has no quiz.")]})
    if record.passed:
        raise ValidationError({"answers": [_("You have already passed this quiz.")]})
    key, cleaned = _quiz_answers(quiz, answers)
    score, _wrong = quiz_score(key, cleaned)
    record.attempts += 1
    record.score, record.passed = score, quiz_passed(score, quiz.pass_mark)
    record.save(update_fields=["attempts", "score", "passed"])
    attempt = QuizAttempt.objects.create(record=record, number=record.attempts, score=score, passed=record.passed,
                                         answers={str(q): sorted(c) for q, c in cleaned.items()})
    TrainingEvent.objects.create(record=record, kind=TrainingEvent.Kind.QUIZ, actor=agent,
                                 note=f"#{attempt.number}: {score}% ({_('passed') if record.passed else _('not passed')})")
    _complete_if_done(record, agent, record.assignment.articles.count())
    return attempt
