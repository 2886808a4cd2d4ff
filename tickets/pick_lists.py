"""Option lists for the ticket selects (categories, teams, tags), cached in Redis and dropped when a row changes.

Every inbox and ticket page renders them; they change only when an admin edits a category, a team or a tag
(or someone who may creates a tag).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from redis.exceptions import RedisError

from helpdesk.models import Team
from tickets.models import Category, Tag

KEY = "tickets:pick-lists:v2"
SECONDS = 300


@dataclass(frozen=True)
class Option:
    """One select option: the row's id, its label and whether it may be chosen for new values."""

    pk: int
    label: str
    is_active: bool = True

    def __str__(self):
        return self.label


def _build() -> dict[str, list[Option]]:
    categories = [Option(c.pk, str(c), c.is_active) for c in Category.objects.select_related("parent")]
    teams = [Option(t.pk, t.name) for t in Team.objects.filter(is_active=True).order_by("name", "id")]
    tags = [Option(t.pk, t.name) for t in Tag.objects.order_by("name")]
    return {"categories": categories, "teams": teams, "tags": tags}


def pick_lists() -> dict[str, list[Option]]:
    """Return ``{"categories": [...all...], "teams": [...active...], "tags": [...]}`` as options, from the cache when it can."""
    try:
        lists = cache.get(KEY)
    except RedisError:
        return _build()
    if lists is None:
        lists = _build()
        try:
            cache.set(KEY, lists, SECONDS)
        except RedisError:
            pass
    return lists


def category_options(*, active_only: bool = False, lists: dict | None = None) -> list[Option]:
    """Return the categories in their admin order (parents before children, as the model orders them).

    A page that shows several lists reads ``pick_lists()`` once and passes it as ``lists``.
    """
    options = (lists or pick_lists())["categories"]
    return [o for o in options if o.is_active] if active_only else options


def team_options(*, lists: dict | None = None) -> list[Option]:
    """Return the active teams by name."""
    return (lists or pick_lists())["teams"]


def tag_options(*, lists: dict | None = None) -> list[Option]:
    """Return the tags by name."""
    return (lists or pick_lists())["tags"]


def pick_lists_forget(**kwargs) -> None:
    """Drop the cached lists (a category, team or tag was saved or deleted)."""
    try:
        cache.delete(KEY)
    except RedisError:
        pass


def pick_lists_connect() -> None:
    """Drop the cache whenever a category, team or tag row changes (called from ``TicketsConfig.ready``)."""
    for model in (Category, Team, Tag):
        post_save.connect(pick_lists_forget, sender=model, dispatch_uid=f"pick-lists-{model.__name__}-save")
        post_delete.connect(pick_lists_forget, sender=model, dispatch_uid=f"pick-lists-{model.__name__}-delete")
