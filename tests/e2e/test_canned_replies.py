"""An agent adds a canned reply on the page, finds it by shortcut, and deletes it after confirming."""

import pytest

from tests.e2e.test_shell import log_in
from tickets.models import CannedReply


@pytest.mark.django_db(transaction=True)
def test_agent_adds_searches_and_deletes_a_canned_reply(page, live_server, agent, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, agent.username)
    page.goto(f"{live_server.url}/canned-replies/")
    page.get_by_test_id("canned-add").click()
    form = page.get_by_test_id("canned-form")
    form.locator("[name=title]").fill("物流延迟致歉")
    form.locator("[name=shortcut]").fill("late-e2e")
    form.locator("[name=body]").fill("{customer_name}您好，您的包裹因天气原因延迟，非常抱歉。")
    form.locator("[name=team]").select_option(str(team.pk))
    screenshot("canned-reply-form")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/canned-replies/")
    row = page.locator('[data-testid=canned-row][data-shortcut="late-e2e"]')
    assert row.count() == 1
    screenshot("canned-reply-list")

    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_test_id("canned-delete").click()
    assert CannedReply.objects.filter(shortcut="late-e2e").exists()  # dismissed: nothing deleted
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_test_id("canned-delete").click()
    page.wait_for_url(f"{live_server.url}/canned-replies/")
    assert page.locator('[data-testid=canned-row][data-shortcut="late-e2e"]').count() == 0
    assert not CannedReply.objects.filter(shortcut="late-e2e").exists()
    assert errors == []
