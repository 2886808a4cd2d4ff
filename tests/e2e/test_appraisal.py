"""Appraisal in the browser: quarter scorecards and the three-strike flag; service phrases checked as agents type."""

from decimal import Decimal

import pytest
from django.utils import timezone

from kpi import services
from kpi.models import Scorecard, ScorecardScheme
from kpi.scorecards import period_bounds
from tests.defaults import defaults_load
from tests.e2e.test_csp import WATCH_VIOLATIONS, visit
from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory
from tickets.models import ForbiddenPhrase


@pytest.mark.django_db(transaction=True)
def test_quarter_scorecard_and_three_strikes(page, live_server, agent, supervisor, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    if not ScorecardScheme.objects.exists():  # an earlier transactional test flushed the shipped scheme
        defaults_load("kpi.migrations.0006_default_scorecard_and_checklist")
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


@pytest.mark.django_db(transaction=True)
def test_reply_boxes_check_service_phrases_as_the_agent_types(page, live_server, agent, team, screenshot):
    ForbiddenPhrase.objects.create(phrase="随便你", kind="discouraged", suggestion="您看这样是否可以")
    for phrase, kind in (("没办法", "forbidden"), ("您好", "greeting")):  # shipped, unless a test flushed them
        ForbiddenPhrase.objects.update_or_create(phrase=phrase, defaults={"kind": kind, "is_active": True})
    ticket = TicketFactory(team=team, customer=CustomerFactory(), subject="用语检查")
    TicketMessageFactory(ticket=ticket, body="东西坏了")
    page.add_init_script(WATCH_VIOLATIONS)
    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    _policy, violations = visit(page, f"{live_server.url}/tickets/{ticket.pk}/")
    assert violations == []
    hints = page.get_by_test_id("phrase-hints")
    assert not hints.is_visible()
    box = page.locator("#reply-form textarea[name=body]")
    box.type("随便你，没办法")
    assert hints.locator("li").count() == 3  # discouraged, forbidden, no greeting in a first reply
    assert "您看这样是否可以" in hints.inner_text()
    screenshot("phrases-typing-ticket")
    box.fill("")
    box.type("您好，已为您登记")
    assert not hints.is_visible()
    _policy, violations = visit(page, f"{live_server.url}/chat/inbox/")  # the chat box loads the same check
    assert violations == []
