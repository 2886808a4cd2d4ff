"""An agent selects tickets in a list (click, shift-click, x) and changes them together from the bulk bar."""

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_phone import OVERFLOW
from tests.e2e.test_shell import log_in
from tests.factories import TicketFactory
from tickets.models import Ticket, TicketEvent

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.mark.django_db(transaction=True)
def test_agent_assigns_a_range_to_themselves_then_raises_its_priority(page, live_server, agent, team):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    closed = TicketFactory(team=team, subject="已关闭的工单", status=Ticket.Status.CLOSED, assignee=agent)  # the last row
    tickets = [TicketFactory(team=team, subject=f"批量工单 {i}") for i in range(5)]
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/")  # all tickets: the closed one too (the inbox lists open work)
    bar = page.get_by_test_id("bulk-bar")
    assert bar.is_hidden()

    rows = page.locator("#ticket-rows [data-select-row]")
    assert rows.count() == 6
    rows.nth(1).click()
    rows.nth(3).click(modifiers=["Shift"])  # rows 1–3: three tickets
    assert bar.is_visible()
    assert page.get_by_test_id("bulk-count").inner_text() == "已选 3 张工单"
    page.keyboard.press("j")  # the first row highlighted, x selects it too
    page.keyboard.press("x")
    assert page.get_by_test_id("bulk-count").inner_text() == "已选 4 张工单"
    chosen = [rows.nth(i).get_attribute("value") for i in range(4)]

    page.select_option("[data-testid=bulk-action]", "assign")
    page.select_option("[data-testid=bulk-assign]", "me")
    page.get_by_test_id("bulk-apply").click()
    confirm = page.get_by_test_id("bulk-confirm")
    assert "将 4 张工单分配给我。" in confirm.inner_text()
    _shot(page, "bulk-confirm-desktop")
    with page.expect_navigation():  # the page comes back with the summary (an older summary is on the page until then)
        page.get_by_test_id("bulk-confirm-ok").click()
    page.wait_for_selector(".messages li.success")
    assert "已更新 4 张，跳过 0 张" in page.locator(".messages").inner_text()
    assigned = set(Ticket.objects.filter(assignee=agent).exclude(pk=closed.pk).values_list("pk", flat=True))
    assert assigned == {int(pk) for pk in chosen}

    # The selection is gone after the page came back; select all, the closed one too, and raise the priority.
    page.locator("#ticket-rows [data-select-all]").check()
    assert page.get_by_test_id("bulk-count").inner_text() == "已选 6 张工单"
    page.select_option("[data-testid=bulk-action]", "status")
    page.select_option("[data-testid=bulk-status]", "pending_customer")
    page.get_by_test_id("bulk-apply").click()
    with page.expect_navigation():  # the page comes back with the summary (an older summary is on the page until then)
        page.get_by_test_id("bulk-confirm-ok").click()
    page.wait_for_selector(".messages li.success")
    summary = page.locator(".messages").inner_text()
    assert "已更新 5 张，跳过 1 张" in summary and closed.number in summary
    _shot(page, "bulk-summary-desktop")
    assert Ticket.objects.filter(status=Ticket.Status.PENDING_CUSTOMER).count() == 5
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.STATUS, to_value="pending_customer").count() == 5

    page.locator("#ticket-rows [data-select-all]").check()
    page.select_option("[data-testid=bulk-action]", "priority")
    page.select_option("[data-testid=bulk-priority]", "high")
    page.get_by_test_id("bulk-apply").click()
    assert "优先级设为“高”" in page.get_by_test_id("bulk-confirm-text").inner_text()
    with page.expect_navigation():  # the page comes back with the summary (an older summary is on the page until then)
        page.get_by_test_id("bulk-confirm-ok").click()
    page.wait_for_selector(".messages li.success")
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("priority", flat=True)) == {"high"}
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_selection_survives_the_rows_refresh_and_the_bar_fits_a_phone(page, live_server, agent, team):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    tickets = [TicketFactory(team=team, subject=f"手机工单 {i}") for i in range(3)]
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.set_viewport_size(PHONE)
    rows = page.locator("#ticket-rows [data-select-row]")
    rows.nth(0).click()
    rows.nth(2).click()
    kept = int(rows.nth(0).get_attribute("value"))
    gone = Ticket.objects.get(pk=int(rows.nth(2).get_attribute("value")))
    Ticket.objects.filter(pk=gone.pk).update(team=TicketFactory().team)  # moved out of the agent's lists
    with page.expect_response(lambda response: "/inbox/" in response.url and response.request.method == "GET"):
        page.evaluate("htmx.trigger('#ticket-filters', 'submit')")
    page.wait_for_function("document.querySelectorAll('#ticket-rows [data-select-row]').length === 2")
    assert page.get_by_test_id("bulk-count").inner_text() == "已选 1 张工单"
    assert page.locator("#ticket-rows [data-select-row]:checked").count() == 1
    page.select_option("[data-testid=bulk-action]", "priority")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    measured = page.evaluate(OVERFLOW, PHONE["width"])
    assert measured["scroll"] <= measured["inner"], measured
    box = page.get_by_test_id("bulk-bar").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    _shot(page, "bulk-bar-phone")
    page.get_by_test_id("bulk-apply").click()
    _shot(page, "bulk-confirm-phone")
    with page.expect_navigation():  # the page comes back with the summary (an older summary is on the page until then)
        page.get_by_test_id("bulk-confirm-ok").click()
    page.wait_for_selector(".messages li.success")
    assert "已更新 1 张，跳过 0 张" in page.locator(".messages").inner_text()
    assert list(Ticket.objects.filter(priority="low").values_list("pk", flat=True)) == [kept]  # the first priority
    assert errors == [] and len(tickets) == 3


@pytest.mark.django_db(transaction=True)
def test_supervisor_tags_a_ticket_on_its_page_and_the_list_shows_the_badge(page, live_server, supervisor, team):
    ticket = TicketFactory(team=team, subject="重复投诉的工单")
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, supervisor.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("tag-input").fill("重复投诉")
    page.get_by_test_id("tag-add").click()
    page.wait_for_selector("[data-testid=ticket-tags] [data-testid=tag]")
    assert page.get_by_test_id("ticket-tags").get_by_test_id("tag").inner_text() == "重复投诉"
    _shot(page, "ticket-tags-desktop")
    page.goto(f"{live_server.url}/inbox/")
    assert page.locator("#ticket-rows [data-testid=tag]").inner_text() == "重复投诉"
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("tag-remove").click()
    page.wait_for_selector("[data-testid=ticket-tags] [data-testid=tag]", state="detached")
    assert not ticket.tags.exists()
