"""An admin marks days on the business calendar's year grid in the browser and saves them (no CSP refusals)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from helpdesk.models import BusinessCalendar
from tests.e2e.test_csp import WATCH_VIOLATIONS
from tests.e2e.test_shell import log_in

EDITED = re.compile(r"\bedited\b")
NAVIGATION_MS = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {server: Math.round(n.responseEnd - n.requestStart), loaded: Math.round(n.loadEventEnd - n.startTime)}; }"""


@pytest.mark.django_db(transaction=True)
def test_admin_toggles_days_on_the_year_grid_and_saves(page, live_server, admin_user, sla_defaults, screenshot):
    calendar = BusinessCalendar.objects.get(code="china-back-office")
    page.add_init_script(WATCH_VIOLATIONS)
    log_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/admin/helpdesk/businesscalendar/{calendar.pk}/change/")
    print("calendar page height (px):", page.evaluate("document.documentElement.scrollHeight"))
    page.get_by_test_id("year-grid-link").click()
    page.goto(page.url + "?year=2026")
    grid = page.get_by_test_id("year-grid")
    expect(grid.locator("button.day")).to_have_count(365)
    print("year grid load:", page.evaluate(NAVIGATION_MS))
    screenshot("calendar-year-grid")

    tuesday = grid.locator("button[data-date='2026-03-03']")
    tuesday.click()  # working day → day off
    expect(tuesday).to_have_attribute("data-kind", "holiday")
    expect(tuesday).to_have_class(EDITED)
    saturday = grid.locator("button[data-date='2026-03-07']")
    saturday.click()
    saturday.click()  # weekend → day off → make-up working day
    expect(saturday).to_have_attribute("data-kind", "makeup")
    wednesday = grid.locator("button[data-date='2026-03-04']")
    wednesday.click()
    wednesday.click()  # day off and back: not a change
    expect(page.get_by_test_id("grid-unsaved")).to_contain_text("2")
    page.get_by_test_id("grid-save").click()
    expect(page.locator(".messagelist .success")).to_contain_text("2026")
    print("year grid save (POST, redirect and new page):", page.evaluate(NAVIGATION_MS))
    expect(grid.locator("button[data-date='2026-03-03']")).to_have_attribute("data-kind", "holiday")
    expect(grid.locator("button.edited")).to_have_count(0)
    assert calendar.holidays.filter(date=dt.date(2026, 3, 3)).exists()
    assert calendar.workdays.filter(date=dt.date(2026, 3, 7)).exists()
    assert not calendar.holidays.filter(date=dt.date(2026, 3, 4)).exists()
    screenshot("calendar-year-grid-saved")
    assert page.evaluate("window.__cspViolations") == []
