"""The global search: each app registers a provider of its own kind of results; helpdesk never imports the apps.

A provider answers only what the viewer may open (it goes through its app's scoped selectors) and
shows personal data as the viewer may see it. The apps register from their ``AppConfig.ready``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

MAX_QUERY = 100
GROUP_SIZE = 5


@dataclass(frozen=True)
class SearchHit:
    """One result: what it is called, a line under it, and the page that opens it."""

    title: str
    url: str
    subtitle: str = ""


@dataclass(frozen=True)
class SearchProvider:
    """One kind of result (tickets, customers, …): ``find(viewer=, q=, limit=)`` returns up to ``limit`` hits.

    ``more_url(q)`` is the app's own list filtered by the query; ``permissions`` are all needed to search
    this kind at all; ``order`` places the group among the others.
    """

    key: str
    label: str
    find: Callable[..., list[SearchHit]]
    more_url: Callable[[str], str]
    permissions: tuple[str, ...] = ()
    order: int = 100


PROVIDERS: dict[str, SearchProvider] = {}


def search_provider_register(provider: SearchProvider) -> None:
    """Add (or replace) one kind of result of the global search."""
    PROVIDERS[provider.key] = provider


def list_url(url_name: str, q: str) -> str:
    """Return an app's list page filtered by the search text (a group's "more" link)."""
    return f"{reverse(url_name)}?{urlencode({'q': q})}"


def search_query_clean(q) -> str:
    """Return the search text with its spacing collapsed (empty for nothing to search)."""
    return " ".join(str(q or "").split())


def search_everything(*, viewer, q: str, limit: int = GROUP_SIZE) -> list[dict]:
    """Return the groups of results the viewer may open, each with at most ``limit`` hits and whether there are more."""
    q = search_query_clean(q)
    if not q or not viewer.is_authenticated:
        return []
    groups = []
    for provider in sorted(PROVIDERS.values(), key=lambda p: p.order):
        if not viewer.has_perms(provider.permissions):
            continue
        hits = provider.find(viewer=viewer, q=q, limit=limit + 1)
        if hits:
            groups.append({"key": provider.key, "label": str(provider.label), "hits": hits[:limit],
                           "has_more": len(hits) > limit, "more_url": provider.more_url(q)})
    return groups
