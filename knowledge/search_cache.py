"""The knowledge search's ranked ids, cached in Redis by scope and question, and dropped when any article changes.

The help centre and the panel beside tickets ask the same few questions again and again, and each answer ranks
every matching article. Only the ids are kept, under the articles' version (a new one on every save or delete of an
article, and again at its commit): the caller reads the articles through its own queryset, so a cached answer never
shows an article the viewer may not read.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "knowledge:articles:version"
SECONDS = 300


def articles_version() -> str:
    """Return the articles' current version (made on first use; "none" while Redis is unreachable)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version or "none"


def articles_version_bump(**kwargs) -> None:
    """Start a new version of the articles now and again when the transaction commits."""
    def bump():
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def search_cached(articles: QuerySet, question: tuple, rank: Callable[[], list[int]]) -> list:
    """Return a search's articles of the queryset, best first: ranked ids from the cache when this version answered
    it, else from ``rank``; then read by id through the queryset (one query for the page's rows)."""
    version = articles_version()
    key = None
    ids = None
    if version != "none":
        digest = hashlib.sha256(repr((str(articles.query), question)).encode()).hexdigest()
        key = f"knowledge:search:{version}:{digest}"
        ids = cache.get(key)
    if ids is None:
        ids = rank()
        if key:
            cache.set(key, ids, SECONDS)
    by_id = articles.in_bulk(ids) if ids else {}
    return [by_id[pk] for pk in ids if pk in by_id]


def articles_version_connect(article_model) -> None:
    """Bump the version whenever an article row is saved or deleted (called from ``KnowledgeConfig.ready``)."""
    post_save.connect(articles_version_bump, sender=article_model, dispatch_uid="knowledge-articles-save")
    post_delete.connect(articles_version_bump, sender=article_model, dispatch_uid="knowledge-articles-delete")
