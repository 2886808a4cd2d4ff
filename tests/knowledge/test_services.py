import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knowledge import services
from knowledge.models import Article, ArticleEvent, ArticleViewDay, Deflection, SearchMiss
from knowledge.selectors import article_version_diff
from knowledge.workflow import ArticleConflict
from tests.factories import ArticleFactory


@pytest.fixture
def draft(supervisor):
    return services.article_create(actor=supervisor, title="七天无理由退货", body="签收后7天内可退。\n运费由买家承担。",
                                   category="售后", tags="退货")


def test_create_keeps_the_first_version_and_an_event(draft, supervisor):
    assert draft.status == Article.Status.DRAFT and draft.owner == supervisor and draft.version == 1
    assert list(draft.versions.values_list("number", "body")) == [(1, draft.body)]
    assert ArticleEvent.objects.filter(article=draft, kind="created").exists()


def test_agents_cannot_write(agent):
    with pytest.raises(PermissionDenied):
        services.article_create(actor=agent, title="x", body="y")


def test_create_rejects_empty_title_and_bad_audience(supervisor):
    with pytest.raises(ValidationError) as error:
        services.article_create(actor=supervisor, title="  ", body="y", audience="everyone")
    assert set(error.value.message_dict) == {"title", "audience"}


def test_every_save_of_the_body_keeps_a_version_and_the_diff_is_escaped(draft, supervisor):
    services.article_update(article=draft, actor=supervisor, body="签收后7天内可退。\n<script>运费</script>由卖家承担。")
    services.article_update(article=draft, actor=supervisor, category="售后服务")  # no new version
    draft.refresh_from_db()
    assert draft.version == 2 and draft.category == "售后服务"
    assert list(draft.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    diff = article_version_diff(article=draft, old=1, new=2)
    assert 'class="diff-del"' in diff and "运费由买家承担" in diff
    assert "&lt;script&gt;" in diff and "<script>" not in diff


def test_update_without_a_change_writes_nothing(draft, supervisor):
    services.article_update(article=draft, actor=supervisor, title=draft.title)
    assert draft.versions.count() == 1 and draft.events.count() == 1


def test_publish_goes_through_review(draft, supervisor):
    with pytest.raises(ArticleConflict):
        services.article_transition(article=draft, actor=supervisor, target="published")
    services.article_transition(article=draft, actor=supervisor, target="in_review")
    article = services.article_transition(article=draft, actor=supervisor, target="published")
    assert article.status == "published" and article.published_at is not None
    assert list(article.events.values_list("kind", flat=True)[:2]) == ["published", "in_review"]


def test_publishing_needs_the_reviewer_permission(draft, supervisor):
    services.article_transition(article=draft, actor=supervisor, target="in_review")
    supervisor.user_permissions.clear()
    perm = supervisor.groups.first().permissions.get(codename="publish_article")
    supervisor.groups.first().permissions.remove(perm)
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)
    with pytest.raises(PermissionDenied):
        services.article_transition(article=draft, actor=supervisor, target="published")
    assert Article.objects.get(pk=draft.pk).status == "in_review"


def test_views_count_on_one_row_per_article_and_day(db):
    article = ArticleFactory()
    day = dt.date(2026, 3, 1)
    for _ in range(3):
        services.article_view_count(article=article, day=day)
    services.article_view_count(article=article, day=day + dt.timedelta(days=1))
    assert sorted(ArticleViewDay.objects.values_list("day", "views")) == [(day, 3), (day + dt.timedelta(days=1), 1)]


def test_search_misses_are_counted_by_term(db):
    services.search_miss_record(term=" 以旧换新 ")
    services.search_miss_record(term="以旧换新")
    services.search_miss_record(term="")
    assert list(SearchMiss.objects.values_list("term", "count")) == [("以旧换新", 2)]


def test_deflection_needs_a_known_source(db):
    article = ArticleFactory()
    services.deflection_record(article=article, source="web_form")
    with pytest.raises(ValidationError):
        services.deflection_record(article=article, source="phone")
    assert list(Deflection.objects.values_list("source", flat=True)) == ["web_form"]


def test_flag_notifies_the_owner_and_leaves_an_event(draft, agent, supervisor, django_capture_on_commit_callbacks):
    from sla.models import Notification

    with django_capture_on_commit_callbacks(execute=False):
        flag = services.article_flag(article=draft, actor=agent, note="运费规则  已更新")
    assert flag.note == "运费规则 已更新" and flag.flagged_by == agent
    notification = Notification.objects.get(recipient=supervisor)
    assert notification.kind == "article_flag" and draft.title in notification.text
    assert notification.link == f"/knowledge/{draft.pk}/"
    assert ArticleEvent.objects.filter(article=draft, kind="flagged", actor=agent).exists()


def test_flag_needs_a_note(draft, agent):
    with pytest.raises(ValidationError) as error:
        services.article_flag(article=draft, actor=agent, note="   ")
    assert "note" in error.value.message_dict
