"""Every write of the knowledge base: articles and their versions, status steps, views, misses and deflections."""

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
from knowledge.models import Article, ArticleEvent, ArticleFlag, ArticleVersion, ArticleViewDay, Deflection, SearchMiss

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
