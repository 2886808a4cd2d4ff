"""An admin enters next year's holidays from the State Council notice in the browser: paste, review the grid, confirm."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpdesk.models import BusinessCalendar
from tests.e2e.test_shell import log_in

NOTICE_2027 = (Path(__file__).parents[1] / "helpdesk" / "fixtures" / "notice_2027_plausible.txt").read_text()


@pytest.mark.django_db(transaction=True)
def test_admin_enters_a_year_from_the_notice(page, live_server, admin_user, sla_defaults, screenshot):
    calendar = BusinessCalendar.objects.filter(uses_holidays=True).order_by("pk").first()
    log_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/admin/helpdesk/businesscalendar/{calendar.pk}/enter-year/")
    page.fill("textarea[name=text]", NOTICE_2027)
    page.get_by_test_id("parse").click()
    grid = page.get_by_test_id("year-grid")
    expect(grid).to_be_visible()
    expect(grid.locator("td.makeup.changed").first).to_be_visible()  # a make-up day the provisional year did not have
    screenshot("calendar-year-review")
    page.get_by_test_id("confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("2027")
    screenshot("calendar-year-saved")
    assert calendar.workdays.filter(date__year=2027).exists() and calendar.holidays.filter(date__year=2027).count() > 20
