import pytest

from knowledge.models import Article, Deflection
from tests.factories import ArticleFactory


@pytest.fixture
def articles(db):
    return {
        "returns": ArticleFactory(title="七天无理由退货政策", body="签收后7天内可退货。"),
        "rules": ArticleFactory(title="平台规则：退货赔付红线", body="内部参考。", audience=Article.Audience.AGENTS),
        "draft": ArticleFactory(title="退货草稿", body="未发布。", status=Article.Status.DRAFT),
    }


def test_public_api_lists_and_searches_public_published_articles_only(api_client, articles):
    listed = {row["title"] for row in api_client.get("/api/v1/help/articles/").json()["results"]}
    assert listed == {"七天无理由退货政策"}
    found = [row["title"] for row in api_client.get("/api/v1/help/articles/", {"q": "退货"}).json()["results"]]
    assert found == ["七天无理由退货政策"]
    for name in ("rules", "draft"):
        assert api_client.get(f"/api/v1/help/articles/{articles[name].pk}/").status_code == 404


def test_public_api_bad_input_is_400_with_field_errors(api_client, articles):
    assert "language" in api_client.get("/api/v1/help/articles/", {"language": "fr"}).json()
    assert "q" in api_client.get("/api/v1/help/articles/", {"q": "x" * 101}).json()
    searched = api_client.get("/api/v1/help/articles/", {"q": "退货", "page_size": "-954", "ordering": "title"})
    assert searched.status_code == 400 and {"page_size", "ordering"} <= set(searched.json())
    response = api_client.post(f"/api/v1/help/articles/{articles['returns'].pk}/solved/", {"source": "phone"})
    assert response.status_code == 400 and "source" in response.json()


def test_public_api_counts_a_deflection(api_client, articles):
    response = api_client.post(f"/api/v1/help/articles/{articles['returns'].pk}/solved/", {"source": "widget"})
    assert response.status_code == 204
    assert Deflection.objects.get().source == "widget"


def test_agents_read_published_articles_of_both_audiences(api, agent, articles):
    titles = {row["title"] for row in api(agent).get("/api/v1/knowledge/articles/").json()["results"]}
    assert titles == {"七天无理由退货政策", "平台规则：退货赔付红线"}
    assert api(agent).post("/api/v1/knowledge/articles/", {"title": "x", "body": "y"}).status_code == 403


def test_supervisor_writes_and_publishes_through_the_api(api, supervisor, db):
    client = api(supervisor)
    response = client.post("/api/v1/knowledge/articles/", {"title": "发票", "body": "电子发票", "audience": "agents"})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.patch(f"/api/v1/knowledge/articles/{pk}/", {"body": "电子普通发票"}).json()["version"] == 2
    assert client.post(f"/api/v1/knowledge/articles/{pk}/transition/", {"status": "published"}).status_code == 409
    client.post(f"/api/v1/knowledge/articles/{pk}/transition/", {"status": "in_review"})
    assert client.post(f"/api/v1/knowledge/articles/{pk}/transition/", {"status": "published"}).json()["status"] == "published"


def test_write_api_bad_input_is_400_with_field_errors(api, supervisor, db):
    response = api(supervisor).post("/api/v1/knowledge/articles/", {"title": "", "audience": "all"})
    assert response.status_code == 400
    assert {"title", "body", "audience"} <= set(response.json())


def test_filters_by_audience_and_search(api, supervisor, articles):
    rows = api(supervisor).get("/api/v1/knowledge/articles/", {"audience": "agents"}).json()["results"]
    assert [row["title"] for row in rows] == ["平台规则：退货赔付红线"]
    rows = api(supervisor).get("/api/v1/knowledge/articles/", {"q": "草稿"}).json()["results"]
    assert [row["title"] for row in rows] == ["退货草稿"]
    assert api(supervisor).get("/api/v1/knowledge/articles/", {"status": "nope"}).status_code == 400


def test_schema_documents_the_knowledge_api(api, admin_user, db):
    schema = api(admin_user).get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/knowledge/articles/{id}/transition/" in schema["paths"]
    assert "/api/v1/help/articles/{id}/solved/" in schema["paths"]
