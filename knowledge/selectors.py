"""Reads of the knowledge base: what each viewer may read, the public help centre and its search."""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramWordSimilarity
import datetime as dt

from django.db.models import Case, Count, F, FloatField, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Greatest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from helpdesk.search import SearchHit
from knowledge import workflow
from knowledge.models import Article, ArticleVersion, ArticleViewDay, Deflection, SearchMiss
from knowledge.rendering import version_diff_html
from tickets.models import Ticket

MAX_QUERY = 100
MAX_GRAMS = 12
SIMILAR = 0.3  # word_similarity above which a longer Latin query matches without an exact substring
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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
    """Return the character pairs of the query's Chinese runs: Chinese has no spaces to split words at."""
    grams: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", query):
        grams += [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 2 else [run]
    return list(dict.fromkeys(grams))[:MAX_GRAMS]


def article_search(articles: QuerySet[Article], *, query: str, limit: int = 20, loose: bool = False) -> list[Article]:
    """Return the articles matching a search, best first.

    A query is matched as a whole (a substring of title or body, also for one or two Chinese characters),
    by its words, and for Chinese by the share of its character pairs found (退货七天 finds 七天无理由退货);
    pg_trgm's word_similarity adds Latin-script near misses and ranks. ``loose`` (suggestions for a customer's
    sentence, 我想退货怎么办) needs only one pair found, the best ones first.
    """
    query = " ".join((query or "").split())[:MAX_QUERY]
    if not query:
        return []
    words = [word for word in query.split(" ") if word]
    whole = Q(title__icontains=query) | Q(body__icontains=query)
    every_word = Q()
    for word in words:
        every_word &= Q(title__icontains=word) | Q(body__icontains=word)
    grams = _grams(query) if _CJK.search(query) and len(query) > 2 else []
    gram_hits = sum((Case(When(Q(title__icontains=gram) | Q(body__icontains=gram), then=Value(1)), default=Value(0),
                          output_field=IntegerField()) for gram in grams), Value(0))
    matched = whole | every_word
    if not _CJK.search(query) and len(query) >= 3:
        matched |= Q(title__trigram_word_similar=query)
    annotated = articles.annotate(
        gram_hits=gram_hits,
        title_hit=Case(When(title__icontains=query, then=Value(2.0)), default=Value(0.0), output_field=FloatField()),
        similarity=Greatest(TrigramWordSimilarity(query, "title"), Value(0.0), output_field=FloatField()),
    )
    if grams:
        matched |= Q(gram_hits__gte=1 if loose else max(2, (len(grams) + 1) // 2))
    ranked = annotated.filter(matched).annotate(
        rank=F("title_hit") + F("similarity") + F("gram_hits") * Value(0.2, output_field=FloatField()),
    ).order_by("-rank", "-published_at", "-id")
    return list(ranked[:limit])


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
    """Return the global search's knowledge-base hits among the articles the viewer may read."""
    return [SearchHit(title=article.title, url=reverse("knowledge:article_detail", args=[article.pk]),
                      subtitle=article.get_status_display())
            for article in article_search(article_queryset_for_viewer(viewer=viewer), query=q, limit=limit)]
