import pytest
from django.urls import reverse

from knowledge.models import Article, ArticleViewDay, Deflection, SearchMiss
from tests.factories import ArticleFactory


@pytest.fixture
def articles(db):
    return {
        "returns": ArticleFactory(title="七天无理由退货政策", body="签收后 **7 天内** 可退货。<script>alert(1)</script>"),
        "english": ArticleFactory(title="Return policy", body="Return within 7 days.", language=Article.Language.EN),
        "rules": ArticleFactory(title="平台规则：退货赔付红线", body="内部参考。", audience=Article.Audience.AGENTS),
        "draft": ArticleFactory(title="退货草稿", body="未发布。", status=Article.Status.DRAFT),
    }


def test_help_centre_needs_no_login_and_shows_public_chinese_articles(client, articles):
    response = client.get(reverse("knowledge:help_index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "七天无理由退货政策" in page
    assert "平台规则" not in page and "退货草稿" not in page and "Return policy" not in page


def test_help_centre_in_english_when_the_customer_chooses(client, articles):
    client.post(reverse("set_language"), {"language": "en", "next": "/help/"})
    page = client.get(reverse("knowledge:help_index")).content.decode()
    assert "Return policy" in page and "七天无理由退货政策" not in page


def test_help_search_never_shows_agents_only_or_drafts_and_records_misses(client, articles):
    page = client.get(reverse("knowledge:help_index"), {"q": "退货"}).content.decode()
    assert "七天无理由退货政策" in page and "平台规则" not in page and "退货草稿" not in page
    client.get(reverse("knowledge:help_index"), {"q": "以旧换新"})
    assert SearchMiss.objects.get().term == "以旧换新"


def test_help_search_partial_for_htmx(client, articles):
    response = client.get(reverse("knowledge:help_index"), {"q": "退货"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="help-results"' in response.content.decode() and "<html" not in response.content.decode()


def test_help_search_too_long_is_400(client, articles):
    response = client.get(reverse("knowledge:help_index"), {"q": "退" * 101})
    assert response.status_code == 400


def test_help_article_renders_markdown_safely_and_counts_the_view(client, articles):
    response = client.get(reverse("knowledge:help_article", args=[articles["returns"].pk]))
    page = response.content.decode()
    assert "<strong>7 天内</strong>" in page and "<script>alert(1)</script>" not in page
    client.get(reverse("knowledge:help_article", args=[articles["returns"].pk]))
    assert ArticleViewDay.objects.get(article=articles["returns"]).views == 2


@pytest.mark.parametrize("name", ["rules", "draft"])
def test_agents_only_and_drafts_are_not_found_on_the_help_centre(client, articles, name):
    assert client.get(reverse("knowledge:help_article", args=[articles[name].pk])).status_code == 404
    assert client.post(reverse("knowledge:help_solved", args=[articles[name].pk]), {"source": "help"}).status_code == 404


def test_solved_counts_a_deflection_and_files_nothing(client, articles):
    response = client.post(reverse("knowledge:help_solved", args=[articles["returns"].pk]), {"source": "help"})
    assert response.status_code == 200
    assert list(Deflection.objects.values_list("source", flat=True)) == ["help"]
    assert client.post(reverse("knowledge:help_solved", args=[articles["returns"].pk]), {"source": "x"}).status_code == 400


def test_solved_and_suggestions_are_limited_per_address(client, api_client, articles, settings):
    settings.HELP_SOLVED_PER_HOUR, settings.HELP_SUGGEST_PER_MINUTE = 2, 3
    solved = reverse("knowledge:help_solved", args=[articles["returns"].pk])
    answers = [client.post(solved, {"source": "help"}, REMOTE_ADDR="10.1.1.1").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.post(solved, {"source": "help"}, REMOTE_ADDR="10.1.1.2").status_code == 200
    refused = api_client.post(f"/api/v1/help/articles/{articles['returns'].pk}/solved/", {"source": "help"},
                              REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429 and "detail" in refused.json()
    assert Deflection.objects.count() == 3
    suggest = reverse("knowledge:help_suggest")
    answers = [client.get(suggest, {"q": "退货"}, REMOTE_ADDR="10.1.1.3").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_supervisor_writes_edits_and_compares_versions(client_for, supervisor):
    client = client_for(supervisor)
    response = client.post(reverse("knowledge:article_new"), {
        "title": "发票", "body": "第一版", "audience": "public", "language": "zh-hans"})
    article = Article.objects.get(title="发票")
    assert response.status_code == 302 and article.status == "draft"
    client.post(reverse("knowledge:article_edit", args=[article.pk]), {
        "title": "发票", "body": "第二版 <b>", "audience": "public", "language": "zh-hans"})
    diff = client.get(reverse("knowledge:article_diff", args=[article.pk]), {"old": 1, "new": 2}).content.decode()
    assert "第一版" in diff and "第二版 &lt;b&gt;" in diff
    client.post(reverse("knowledge:article_transition", args=[article.pk]), {"status": "in_review"})
    client.post(reverse("knowledge:article_transition", args=[article.pk]), {"status": "published"})
    article.refresh_from_db()
    assert article.status == "published" and article.version == 2


def test_article_form_errors_are_400(client_for, supervisor):
    response = client_for(supervisor).post(reverse("knowledge:article_new"), {"title": "", "audience": "x"})
    assert response.status_code == 400


def test_skipping_review_is_refused_with_a_message(client_for, supervisor):
    article = ArticleFactory(status="draft", owner=supervisor)
    response = client_for(supervisor).post(reverse("knowledge:article_transition", args=[article.pk]),
                                           {"status": "published"}, follow=True)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == "draft"


def test_web_form_suggests_public_articles_and_counts_a_deflection(client, articles):
    response = client.get(reverse("knowledge:help_suggest"), {"description": "我想退货", "source": "web_form"})
    page = response.content.decode()
    assert response.status_code == 200 and "七天无理由退货政策" in page and "平台规则" not in page
    assert '"source": "web_form"' in page
    assert client.get(reverse("knowledge:help_suggest"), {"q": "退"}).content.decode().strip() == ""
    assert "help-suggest" in client.get(reverse("support:new")).content.decode()


def test_agent_sees_articles_for_a_ticket_with_link_and_text_in_constant_queries(client_for, agent, team, articles,
                                                                                 django_assert_max_num_queries):
    from tests.factories import TicketFactory

    ticket = TicketFactory(team=team, subject="顾客要求七天无理由退货")
    client = client_for(agent)
    url = reverse("knowledge:ticket_articles", args=[ticket.pk])
    client.get(url)  # the session and permission caches
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    assert "七天无理由退货政策" in page and "平台规则：退货赔付红线" in page and "退货草稿" not in page
    assert f"/help/{articles['returns'].pk}/" in page  # a public article's link for the customer
    assert page.count('data-testid="kb-insert-link"') == 1  # agents-only: text only, never a link
    detail = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert url in detail and "knowledge/insert.js" in detail


def test_agent_flags_an_article_and_an_empty_note_is_400(client_for, agent, articles):
    client = client_for(agent)
    url = reverse("knowledge:article_flag", args=[articles["returns"].pk])
    assert client.post(url, {"note": ""}).status_code == 400
    response = client.post(url, {"note": "退货运费规则变了"})
    assert response.status_code == 200 and 'data-testid="kb-flagged"' in response.content.decode()
    assert articles["returns"].flags.get().note == "退货运费规则变了"
    assert client.post(reverse("knowledge:article_flag", args=[articles["draft"].pk]), {"note": "x"}).status_code == 404


def test_supervisor_sees_views_misses_and_the_deflection_rate(client_for, supervisor, agent, articles,
                                                              django_assert_max_num_queries):
    from knowledge import services
    from tests.factories import TicketFactory

    for _ in range(3):
        services.article_view_count(article=articles["returns"])
    services.search_miss_record(term="以旧换新")
    services.deflection_record(article=articles["returns"], source="web_form")
    TicketFactory(channel="web")
    TicketFactory(channel="web")
    TicketFactory(channel="email")
    client = client_for(supervisor)
    client.get(reverse("knowledge:kpi"))
    with django_assert_max_num_queries(10):  # with the training completion per team
        response = client.get(reverse("knowledge:kpi"), {"days": 30})
    assert response.context["kpi"]["deflection_rate"] == 33.3
    assert response.context["kpi"]["top_articles"][0]["views"] == 3
    assert "以旧换新" in response.content.decode()
    assert client.get(reverse("knowledge:kpi"), {"days": "5"}).status_code == 400
    assert client_for(agent).get(reverse("knowledge:kpi")).status_code == 403
