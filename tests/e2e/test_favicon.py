import pytest


@pytest.mark.django_db(transaction=True)
def test_site_icon_loads_under_the_content_security_policy(page, live_server):
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(f"{live_server.url}/login/")
    href = page.locator('link[rel="icon"]').get_attribute("href")

    icon = page.request.get(f"{live_server.url}{href}")
    assert icon.status == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    automatic = page.request.get(f"{live_server.url}/favicon.ico")
    assert automatic.status == 200 and automatic.url == f"{live_server.url}{href}"
    # The page itself loads the icon as an image: a CSP that blocked it would fail the load.
    loaded = page.evaluate(
        "href => new Promise(done => { const image = new Image(); image.onload = () => done(true);"
        " image.onerror = () => done(false); image.src = href; })",
        href,
    )
    assert loaded
    assert errors == []
