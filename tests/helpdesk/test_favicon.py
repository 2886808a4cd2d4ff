import pytest
from django.contrib.staticfiles import finders

ICON_LINK = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_favicon_ico_answers_with_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("favicon.svg")


@pytest.mark.parametrize("url", [
    "/login/",
    "/support/new/",
    "/service/returns/",
    "/s/not-a-survey-token/",
    "/demo/shop/",
    "/admin/login/",
])
def test_every_page_family_links_the_icon(client, db, url):
    assert ICON_LINK in client.get(url).content.decode()


def test_icon_is_allowed_by_the_content_security_policy(client, db):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "img-src 'self'" in policy
