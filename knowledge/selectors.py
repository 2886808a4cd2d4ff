"""Reads of the knowledge base: what each viewer may read, the public help centre and its search, training."""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramWordSimilarity
import datetime as dt

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Case, Count, F, FloatField, Func, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Greatest, Upper
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from helpdesk.search import SearchHit
from knowledge import workflow
from knowledge.grams import HasGrams, Matches, gram_any, gram_at_least, gram_lexeme
from knowledge.search_cache import search_cached
from helpdesk.models import Team
from helpdesk.teams import team_ids_for_user
from knowledge.models import (
    Article, ArticleVersion, ArticleViewDay, Deflection, QuizAttempt, SearchMiss, TrainingAssignment, TrainingRecord,
)
from knowledge.rendering import version_diff_html
from tickets.models import Ticket

MAX_QUERY = 100
MAX_GRAMS = 12
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[^\W\u3400-\u9fff\uf900-\ufaff]")
_QUESTION_WORDS = re.compile("为什么|怎么样|怎么|什么|如何|怎样|请问|能否|是否|可以|时候|一下|我想|我要|想要")


def article_queryset_for_viewer(*, viewer) -> QuerySet[Article]:
    """Return the articles a signed-in viewer may read: writers every one, agents the published ones."""
    if not (viewer and viewer.is_authenticated and viewer.has_perm("knowledge.view_article")):
        return Article.objects.none()
    articles = Article.objects.select_related("owner")
    if viewer.has_perm("knowledge.change_article"):
        return articles
    return articles.filter(status=workflow.PUBLISHED)


def article_get_for_viewer(*, viewer, pk) -> Article:
    """Return one article the viewer may read, or raise Http404."""
    try:
        return article_queryset_for_viewer(viewer=viewer).get(pk=int(pk))
    except (Article.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such article") from None


def article_queryset_public(*, language: str | None = None) -> QuerySet[Article]:
    """Return the published public articles (never agents-only, never drafts), in one language if given."""
    articles = Article.objects.filter(status=workflow.PUBLISHED, audience=Article.Audience.PUBLIC)
    return articles.filter(language=language) if language else articles


def article_get_public(*, pk) -> Article:
    """Return one published public article, or raise Http404."""
    try:
        return article_queryset_public().get(pk=int(pk))
    except (Article.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such article") from None


def _grams(query: str) -> list[str]:
    """Return the character pairs of the query's Chinese runs: Chinese has no spaces to split words at.

    Question words (怎么, 什么…) split the runs: they say how a customer asks, not what about.
    """
    grams: list[str] = []
    for run in _CJK_RUN.findall(_QUESTION_WORDS.sub(" ", query)):
        grams += [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 2 else [run]
    return list(dict.fromkeys(grams))[:MAX_GRAMS]


UBIQUITOUS = 0.9  # a pair in more than this share of the articles tells them apart no better than a space does
UBIQUITOUS_FROM = 1000  # articles: below this, every pair counts
UBIQUITOUS_KEY = "knowledge:grams:ubiquitous"
UBIQUITOUS_SECONDS = 3600


def _ubiquitous() -> frozenset[str]:
    """Return the pairs found in nearly every article (one every title starts with), which the search leaves out.

    PostgreSQL's statistics of the stored grams (``pg_stats``, kept by ANALYZE) give each common pair's share of
    the articles; the set is cached for an hour, since it moves slowly and a stale one only shifts the line a little.
    """
    found = cache.get(UBIQUITOUS_KEY)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT stats.most_common_elems::text::text[], stats.most_common_elem_freqs, tables.reltuples "
                "FROM pg_stats AS stats JOIN pg_class AS tables ON tables.oid = %s::regclass "
                "WHERE stats.schemaname = current_schema() AND stats.tablename = %s AND stats.attname = 'search_grams'",
                [Article._meta.db_table, Article._meta.db_table])
            row = cursor.fetchone()
        found = frozenset()
        if row and row[0] and row[2] >= UBIQUITOUS_FROM:
            found = frozenset(gram for gram, share in zip(row[0], row[1]) if share > UBIQUITOUS)
        cache.set(UBIQUITOUS_KEY, found, UBIQUITOUS_SECONDS)
    return found


def article_search(articles: QuerySet[Article], *, query: str, limit: int = 20, loose: bool = False,
                   titles_only: bool = False) -> list[Article]:
    """Return the articles matching a search, best first.

    A query is matched as a whole (a substring of title or body, also for one or two Chinese characters),
    by its words, and for Chinese by the share of its character pairs found (退货七天 finds 七天无理由退货);
    pg_trgm's word_similarity adds Latin-script near misses. Articles whose title holds a pair of the query come
    before those that hold them only in the body. ``loose`` (suggestions for a customer's sentence, 我想退货怎么办)
    needs only one pair found.
    ``titles_only`` leaves the bodies out (the global search, which looks for records by name, not through
    every article's text). Answers are cached until an article changes (``knowledge.search_cache``).
    """
    query = " ".join((query or "").split())[:MAX_QUERY]
    if not query or articles.query.is_empty():
        return []
    return search_cached(articles, (query, limit, loose, titles_only),
                         lambda: _ranked(articles, query, limit=limit, loose=loose, titles_only=titles_only))


def _count(tests: list) -> Func:
    """Return the number of the boolean expressions that hold, as an SQL sum."""
    return sum((Case(When(test, then=Value(1)), default=Value(0), output_field=IntegerField()) for test in tests),
               Value(0))


def _ranked(articles: QuerySet[Article], query: str, *, limit: int, loose: bool,
            titles_only: bool) -> list[int]:
    """Return the ids of the best articles for a normalised query (see ``article_search``), in one query or a few.

    Rank: 2 when the title holds the whole query, plus the share of the query's pairs in the title (for Latin
    script pg_trgm's word similarity to the title), plus 0.2 per pair in title or body. For Chinese the articles
    whose title holds a pair come first, found through the titles' own index; when they do not fill the page, the
    rest follow by their number of pairs, level by level, each level newest first through the GIN index: ranking
    them all at once would read every matching article's grams.
    """
    column = "title_grams" if titles_only else "search_grams"
    every_word = Q()
    for word in query.split(" "):  # the whole query found means every word found
        present = Q(title__icontains=word) if titles_only else Q(title__icontains=word) | Q(body__icontains=word)
        every_word &= Q(HasGrams(word, column)) & present
    grams = _grams(query) if _CJK.search(query) and len(query) > 2 else []
    grams = [gram for gram in grams if gram not in _ubiquitous()] if grams else grams
    latin = bool(_LATIN.search(query))
    title_any = Matches("title_grams", gram_any(grams)) if grams else None
    hits = _count([Matches(column, gram_lexeme(gram)) for gram in grams])
    title_share = Value(0.0, output_field=FloatField())
    if grams:
        title_share = Case(When(title_any, then=Cast(_count([Matches("title_grams", gram_lexeme(gram))
                                                             for gram in grams]), FloatField()) / len(grams)),
                           default=Value(0.0), output_field=FloatField())
    if latin:
        title_share = title_share + Greatest(TrigramWordSimilarity(query, "title"), Value(0.0),
                                             output_field=FloatField())
    whole_title = Case(When(Q(HasGrams(query, "title_grams")) & Q(title__icontains=query), then=Value(2.0)),
                       default=Value(0.0), output_field=FloatField())
    matched = every_word
    least = 1 if loose else max(2, (len(grams) + 1) // 2)
    if grams:
        spelled = gram_at_least(grams, least)
        matched |= Q(Matches(column, spelled)) if spelled else Q(Matches(column, gram_any(grams)), hits__gte=least)
    if not _CJK.search(query) and len(query) >= 3:  # pg_trgm folds case: the index on UPPER(title) serves
        matched |= Q(upper_title__trigram_word_similar=query)
    ranked = (articles.alias(upper_title=Upper("title"), hits=hits).filter(matched)
              .alias(rank=whole_title + title_share + F("hits") * Value(0.2, output_field=FloatField()))
              .order_by("-rank", "-published_at", "-id").values_list("pk", flat=True))
    if not grams or titles_only:
        return list(ranked[:limit])
    found = list(ranked.filter(title_any)[:limit])  # titles that hold a pair first: their own index finds them
    rest = ranked.filter(~Q(title_any))
    for level in range(len(grams), least - 1, -1):  # the rest rank by their pairs alone: most first, then newest
        spelled = gram_at_least(grams, level)
        if len(found) >= limit or spelled is None:
            break
        found += (rest.filter(Matches(column, spelled)).exclude(pk__in=found)
                  .order_by("-published_at", "-id")[:limit - len(found)])
    else:
        if least <= len(grams):
            return found
    if len(found) < limit:  # levels too many to spell out, or whole words only: rank what is left in one query
        found += rest.exclude(pk__in=found)[:limit - len(found)]
    return found


SUGGESTED = 5


def article_suggestions_for_ticket(*, viewer, ticket) -> list[Article]:
    """Return the published articles the viewer may read that fit a ticket's subject and category (one query).

    The ticket must come from the tickets' gatekeeper, with its category joined.
    """
    articles = article_queryset_for_viewer(viewer=viewer).filter(status=workflow.PUBLISHED)
    query = " ".join(part for part in (ticket.subject, ticket.category.name if ticket.category else "") if part)
    return article_search(articles, query=query, limit=SUGGESTED, loose=True)


def article_versions(*, article: Article) -> QuerySet[ArticleVersion]:
    """Return an article's versions, newest first."""
    return article.versions.select_related("author").order_by("-number")


def article_version_diff(*, article: Article, old: int, new: int):
    """Return the HTML rows of the diff between two versions of an article, or raise Http404."""
    bodies = dict(article.versions.filter(number__in=[old, new]).values_list("number", "body"))
    if old not in bodies or new not in bodies:
        raise Http404("No such version")
    return version_diff_html(bodies[old], bodies[new])


def knowledge_kpis(*, days: int, now: dt.datetime | None = None) -> dict:
    """Return the knowledge base's figures over the last days, each aggregated in SQL (four queries).

    Deflection rate (自助解决率): deflections ÷ (deflections + tickets filed on the web form) in the period.
    """
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    first_day = timezone.localdate(now) - dt.timedelta(days=days - 1)
    top = list(ArticleViewDay.objects.filter(day__gte=first_day).values("article_id", "article__title")
               .annotate(views=Sum("views")).order_by("-views", "article_id")[:10])
    misses = list(SearchMiss.objects.filter(last_at__gte=since).values("term", "count")[:20])
    by_source = dict(Deflection.objects.filter(created_at__gte=since).values_list("source")
                     .annotate(n=Count("id")).values_list("source", "n"))
    filed = Ticket.objects.filter(channel=Ticket.Channel.WEB, created_at__gte=since).count()
    deflected = sum(by_source.values())
    return {
        "days": days, "top_articles": top, "views": sum(row["views"] for row in top), "misses": misses,
        "deflections": [(label, by_source.get(value, 0)) for value, label in Deflection.Source.choices],
        "deflected": deflected, "web_tickets": filed,
        "deflection_rate": round(100 * deflected / (deflected + filed), 1) if deflected + filed else None,
    }


def article_search_hits(*, viewer, q: str, limit: int) -> list[SearchHit]:
    """Return the global search's knowledge-base hits: articles the viewer may read, by title."""
    return [SearchHit(title=article.title, url=reverse("knowledge:article_detail", args=[article.pk]),
                      subtitle=article.get_status_display())
            for article in article_search(article_queryset_for_viewer(viewer=viewer), query=q, limit=limit,
                                          titles_only=True)]


# Training (培训).

def training_team_ids_for_viewer(*, viewer) -> list[int] | None:
    """Return the team ids whose training the viewer oversees; None means every team (managers and up)."""
    if viewer.has_perm("knowledge.assign_any_team"):
        return None
    if not viewer.has_perm("knowledge.view_trainingassignment"):
        return []
    return team_ids_for_user(user=viewer)


def training_teams_for_viewer(*, viewer) -> QuerySet[Team]:
    """Return the teams the viewer may assign training to and read the completion of."""
    scope = training_team_ids_for_viewer(viewer=viewer)
    teams = Team.objects.filter(is_active=True).order_by("name")
    return teams if scope is None else teams.filter(pk__in=scope)


def training_record_list_for_viewer(*, viewer) -> QuerySet[TrainingRecord]:
    """Return the records the viewer may read: an agent their own; a supervisor also their teams' agents'; managers all."""
    if not (viewer and viewer.is_authenticated and viewer.has_perm("knowledge.view_trainingrecord")):
        return TrainingRecord.objects.none()
    records = TrainingRecord.objects.select_related("assignment", "assignment__quiz", "agent")
    scope = training_team_ids_for_viewer(viewer=viewer)
    if scope is None:
        return records
    return records.filter(Q(agent=viewer) | Q(agent__teams__in=scope)).distinct()


def training_record_list_for_agent(*, agent) -> QuerySet[TrainingRecord]:
    """Return the agent's own records (我的培训), soonest due first among the open ones."""
    return (TrainingRecord.objects.filter(agent=agent).select_related("assignment", "assignment__quiz")
            .prefetch_related("assignment__articles", "reads")
            .order_by(F("completed_at").desc(nulls_first=True), "assignment__due_on", "id"))


def training_record_get_for_viewer(*, viewer, pk, own: bool = False) -> TrainingRecord:
    """Return one record the viewer may read (only their own with ``own``), or raise Http404."""
    records = training_record_list_for_viewer(viewer=viewer)
    if own:
        records = records.filter(agent=viewer)
    try:
        return records.get(pk=int(pk))
    except (TrainingRecord.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such training record") from None


def training_assignment_list_for_viewer(*, viewer) -> QuerySet[TrainingAssignment]:
    """Return the assignments the viewer may read: an agent's own; a supervisor's teams'; all for managers."""
    assignments = TrainingAssignment.objects.select_related("quiz", "team", "created_by").prefetch_related("articles")
    if not (viewer and viewer.is_authenticated and viewer.has_perm("knowledge.view_trainingrecord")):
        return assignments.none()
    scope = training_team_ids_for_viewer(viewer=viewer)
    if scope is None:
        return assignments
    mine = Q(records__agent=viewer)
    if scope:
        mine |= Q(team__in=scope) | Q(created_by=viewer) | Q(records__agent__teams__in=scope)
    return assignments.filter(pk__in=TrainingAssignment.objects.filter(mine).values("pk"))


def training_record_attempts(*, record: TrainingRecord) -> QuerySet[QuizAttempt]:
    """Return a record's quiz attempts, newest first."""
    return record.quiz_attempts.order_by("-number")


def training_quiz_review(*, record: TrainingRecord, attempt: QuizAttempt | None) -> list[dict]:
    """Return the record's quiz questions with their choices, and with an attempt what was chosen and what was right."""
    chosen = {int(q): set(c) for q, c in (attempt.answers if attempt else {}).items()}
    rows = []
    for question in record.assignment.quiz.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        picked = chosen.get(question.pk, set())
        correct = {choice.pk for choice in choices if choice.is_correct}
        rows.append({"question": question, "choices": choices, "picked": picked,
                     "is_right": picked == correct if attempt else None,
                     "multiple": len(correct) > 1})
    return rows


def _month_records(first: dt.date, last: dt.date) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(assignment__due_on__gte=first, assignment__due_on__lte=last)


def training_completion_by_agent(*, first: dt.date, last: dt.date) -> dict[int, float]:
    """Return each agent's training completion in % over the assignments due in the period (one grouped query).

    Completion (培训完成率) = records completed and passed ÷ records due in the period × 100.
    """
    rows = (_month_records(first, last).values("agent_id").order_by()
            .annotate(due=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False, passed=True))))
    return {row["agent_id"]: round(100 * row["done"] / row["due"], 2) for row in rows}


def training_month_completion(*, viewer, first: dt.date, last: dt.date, by_agent: bool = True) -> dict:
    """Return the completion of training due in the period per team (and per agent) of the viewer's teams.

    One grouped query per table; ``by_agent=False`` leaves the agents' rows out.
    """
    today = timezone.localdate()
    teams = training_teams_for_viewer(viewer=viewer)
    records = _month_records(first, last).filter(agent__teams__in=teams)
    counts = dict(
        due=Count("id", distinct=True),
        done=Count("id", filter=Q(completed_at__isnull=False, passed=True), distinct=True),
        overdue=Count("id", filter=Q(completed_at__isnull=True, assignment__due_on__lt=today), distinct=True),
        mean_score=Avg("score"),
    )
    per_team = list(records.values("agent__teams", "agent__teams__name").order_by("agent__teams__name")
                    .annotate(**counts))
    per_agent = []
    if by_agent:
        per_agent = list(records.values("agent_id", "agent__username", "agent__display_name", "agent__teams__name")
                         .order_by("agent__teams__name", "agent__username").annotate(**counts))
    for row in per_team + per_agent:
        row["rate"] = round(100 * row["done"] / row["due"], 1) if row["due"] else None
    return {"teams": per_team, "agents": per_agent}
