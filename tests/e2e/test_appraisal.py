"""A supervisor switches the scorecards to a quarter, records violations and sees the flag after the third."""

from decimal import Decimal

import pytest
from django.utils import timezone

from kpi import services
from kpi.models import Scorecard, ScorecardScheme
from kpi.scorecards import period_bounds
from tests.e2e.test_shell import log_in


@pytest.mark.django_db(transaction=True)
def test_quarter_scorecard_and_three_strikes(page, live_server, agent, supervisor, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    scheme = ScorecardScheme.objects.get()
    first, _end = period_bounds("quarter", timezone.localdate())
    months = [first, period_bounds("month", first)[1]]
    for month, volume, score in zip(months, (30, 10), ("4.00", "2.00")):
        Scorecard.objects.create(month=month, agent=agent, team=team, scheme=scheme, volume=volume,
                                 final_score=Decimal(score))
    services.period_scorecards_compute(kind="quarter", day=first)

    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/kpi/scorecards/")
    page.get_by_test_id("period-picker").select_option("quarter")
    page.locator(".kpi-filters button[type=submit]").click()
    page.wait_for_url("**period=quarter**")
    row = page.get_by_test_id("scorecard-table").locator("tbody tr").first
    assert "3.50" in row.inner_text()  # (4.00 × 30 + 2.00 × 10) / 40
    assert page.get_by_test_id("strike-flag").count() == 0
    screenshot("appraisal-quarter")

    page.get_by_test_id("conduct-link").click()
    page.wait_for_url("**/kpi/conduct/")
    form = page.get_by_test_id("conduct-form")
    for n in range(3):
        form.locator("select[name=agent]").select_option(str(agent.pk))
        form.locator("select[name=kind]").select_option("violation")
        form.locator("select[name=category]").select_option("language")
        form.locator("input[name=date]").fill(first.isoformat())
        form.locator("input[name=evidence_url]").fill(f"https://example.com/chat/{n}")
        form.locator("textarea[name=note]").fill(f"使用禁语 {n + 1}")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("conduct-table").locator("tbody tr").count() == n + 1
    screenshot("appraisal-conduct")

    page.goto(f"{live_server.url}/kpi/scorecards/?period=quarter&month={first:%Y-%m}")
    flag = page.get_by_test_id("strike-flag")
    assert flag.count() == 1 and flag.is_visible()
    screenshot("appraisal-quarter-flagged")
    assert errors == []
