"""An agent filters the ticket list with chips and a date range picked in Chinese, then saves the view."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_shell import log_in
from tests.factories import TicketFactory
from tickets.models import SavedView, Ticket

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.django_db(transaction=True)
def test_agent_toggles_a_chip_picks_a_range_in_chinese_and_saves_the_view(page, live_server, agent, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    recent = TicketFactory(team=team, subject="最近的破损投诉", status="open", priority="high", assignee=agent)
    old = TicketFactory(team=team, subject="两个月前的旧工单", status="open", priority="high")
    TicketFactory(team=team, subject="已解决的问题", status="resolved", priority="high")
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=60))

    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    assert "我的收件箱" in page.locator("h1").inner_text()
    page.click("[data-testid=to-all-tickets]")
    page.wait_for_url("**/tickets/")
    assert page.locator("h1").inner_text() == "全部工单"
    assert page.locator("select[name=kind] option").first.inner_text() == "全部类型"

    page.click("[data-testid=status-chips] label:has(input[value=open])")
    page.wait_for_selector("[data-testid=active-filters] [data-filter=status]")
    page.wait_for_selector("text=已解决的问题", state="detached")

    page.click("[data-testid=created-after]")
    month = page.locator(".datepicker .dp-month").inner_text()
    assert re.fullmatch(r"\d{4}年\d{1,2}月", month), month
    assert page.locator(".datepicker th").first.inner_text() == "一"  # weeks start on Monday
    screenshot("ticket-filters-datepicker")
    page.keyboard.press("ArrowDown")  # into the grid: today
    page.keyboard.press("PageUp")
    assert page.locator(".datepicker .dp-month").inner_text() != month
    page.keyboard.press("Escape")
    assert page.locator(".datepicker").count() == 0
    page.click("[data-testid=created-after]")
    page.click(".datepicker [data-preset=last30]")
    today = timezone.localdate()
    assert page.input_value("[data-testid=created-after]") == (today - dt.timedelta(days=29)).isoformat()
    assert page.input_value("[data-testid=created-before]") == (today + dt.timedelta(days=1)).isoformat()
    page.wait_for_selector("[data-testid=active-filters] [data-filter=created_before]")
    page.wait_for_selector("text=两个月前的旧工单", state="detached")
    assert page.locator("text=最近的破损投诉").count() == 1

    page.fill("[data-testid=save-view] input[name=name]", "近期处理中")
    page.click("[data-testid=save-view] button[type=submit]")
    own = page.get_by_test_id("own-view")
    own.wait_for()
    assert own.inner_text().split() == ["近期处理中", "1", "×"]
    assert SavedView.objects.get(user=agent).query.startswith("status=open&created_after=")
    assert recent.subject in page.locator("[data-testid=ticket-table]").inner_text()
    assert page.locator(".saved-views [aria-current=page]").inner_text().startswith("近期处理中")

    page.set_viewport_size({"width": 1440, "height": 900})
    screenshot("ticket-filters-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("[data-testid=created-after]")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "ticket-filters-390.png"), full_page=False)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_reply_draft_survives_a_reload_and_counts_in_my_drafts(page, live_server, agent, team):
    ticket = TicketFactory(team=team, subject="等回复的工单", status="open", assignee=agent)
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("reply-body").fill("您好，我们正在核实物流信息")
    page.wait_for_selector("[data-testid=draft-status]:has-text('草稿已保存')")
    page.reload()
    assert page.get_by_test_id("reply-body").input_value() == "您好，我们正在核实物流信息"
    page.goto(f"{live_server.url}/inbox/")
    assert page.locator("[data-view=drafts] .count").inner_text() == "1"
