"""The review, order-timeliness and phone KPIs on hand-built data, with the numbers written out."""

import datetime as dt

import pytest
import time_machine

from channels.models import PhoneCall
from kpi.selectors import kpi_order_shipping, kpi_summary
from kpi.services import ticket_facts_sweep_changed
from orders.models import Order
from reviews.models import Review
from reviews.selectors import review_kpi_breakdown
from sla.models import TicketSLATimer
from tests.factories import OrderFactory, TeamFactory, TicketFactory
from tests.kpi.conftest import at

pytestmark = pytest.mark.django_db
NOVEMBER = {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}


def review(n: int, rating: int, *, shop="旗舰店", sku="SKU-A", when=None, **fields) -> Review:
    return Review.objects.create(shop=shop, platform_review_id=f"M-{n}", sku=sku, rating=rating,
                                 reviewed_at=when or at(10, 12), **fields)


@pytest.fixture
def reviews(team, agent):
    """Six November reviews of the team and one of October.

    Ratings 5, 5, 4, 3, 2, 1: 好评率 3/6 = 50%, 差评率 2/6 = 33.33%. The agent has 5, 4 and 1:
    好评率 2/3 = 66.67%, 差评率 1/3 = 33.33%. Shop 旗舰店 (5, 5, 4, 2): 75% and 25%; shop 折扣店 (3, 1): 0% and 50%.
    """
    other = TeamFactory(code="reviews-other")
    review(1, 5, agent=agent, team=team)
    review(2, 5, team=other)
    review(3, 4, agent=agent, team=team)
    review(4, 3, shop="折扣店", sku="SKU-B", team=other)
    review(5, 2, team=other)
    review(6, 1, shop="折扣店", sku="SKU-B", agent=agent, team=team)
    review(7, 1, when=at(20, 12, month=10))  # October: outside the period
    ticket_facts_sweep_changed()  # the minute's sweep rolls the reviews' days up


def test_positive_and_negative_review_rates(reviews, manager, agent):
    figures = kpi_summary(viewer=manager, **NOVEMBER)
    assert figures["positive_review_rate"] == {"value": 50.0, "numerator": 3, "denominator": 6, "unit": "percent"}
    assert figures["negative_review_rate"] == {"value": 33.33, "numerator": 2, "denominator": 6, "unit": "percent"}
    mine = kpi_summary(viewer=manager, agent=agent, **NOVEMBER)
    assert (mine["positive_review_rate"]["value"], mine["negative_review_rate"]["value"]) == (66.67, 33.33)


def test_review_rates_by_shop_and_agent(reviews, agent):
    november = Review.objects.filter(reviewed_at__gte=at(1, 0), reviewed_at__lt=at(1, 0, month=12))
    assert review_kpi_breakdown(november, by="shop") == [
        {"key": "旗舰店", "value": "旗舰店", "reviews": 4, "positive": 3, "negative": 1, "positive_rate": 75.0,
         "negative_rate": 25.0},
        {"key": "折扣店", "value": "折扣店", "reviews": 2, "positive": 0, "negative": 1, "positive_rate": 0.0,
         "negative_rate": 50.0},
    ]
    by_agent = {row["key"]: row for row in review_kpi_breakdown(november, by="agent")}
    assert (by_agent[agent.username]["positive_rate"], by_agent[agent.username]["negative_rate"]) == (66.67, 33.33)
    assert by_agent[agent.username]["value"] == agent.pk
    assert (by_agent["-"]["reviews"], by_agent["-"]["value"]) == (3, "none")


def test_a_supervisor_sees_only_the_reviews_of_their_team(reviews, supervisor):
    figures = kpi_summary(viewer=supervisor, **NOVEMBER)
    assert (figures["positive_review_rate"]["numerator"], figures["positive_review_rate"]["denominator"]) == (2, 3)


def test_negative_reviews_handled_in_time(team, manager):
    """Three 差评 tickets: first contact met, breached, still running. In time: 1 of the 2 decided = 50%."""
    for n, (met, breached) in enumerate(((at(10, 13), None), (None, at(10, 14)), (None, None))):
        ticket = TicketFactory(team=team)
        review(n, 1, ticket=ticket, team=team)
        TicketSLATimer.objects.update_or_create(ticket=ticket, target="first_response", defaults={
            "started_at": at(10, 12), "due_at": at(10, 14), "met_at": met, "first_breached_at": breached,
            "breached_at": breached})
    ticket_facts_sweep_changed()
    assert kpi_summary(viewer=manager, **NOVEMBER)["negative_review_in_time_rate"] == {
        "value": 50.0, "numerator": 1, "denominator": 2, "unit": "percent"}


def test_order_processing_timeliness(settings, manager):
    """Promise 48 h. Paid in November: shipped after 10 h (on time), after 60 h (late), unshipped for days (late),
    unshipped 1 h ago (not yet due), cancelled unshipped (left out). On time 1 of 3 = 33.33%."""
    settings.ORDERS_SHIP_PROMISE_HOURS = 48
    paid = at(20, 9)
    OrderFactory(paid_at=paid, shipped_at=paid + dt.timedelta(hours=10), status=Order.Status.SHIPPED)
    OrderFactory(paid_at=paid, shipped_at=paid + dt.timedelta(hours=60), status=Order.Status.SHIPPED)
    OrderFactory(paid_at=paid, status=Order.Status.PAID)
    OrderFactory(paid_at=at(30, 8), status=Order.Status.PAID)
    OrderFactory(paid_at=paid, status=Order.Status.CANCELLED)
    OrderFactory(paid_at=at(20, 9, month=10), shipped_at=at(20, 10, month=10))  # October
    assert kpi_order_shipping(now=at(30, 9), **NOVEMBER) == {"on_time": 1, "due": 3}
    with time_machine.travel(at(30, 9), tick=False):
        figure = kpi_summary(viewer=manager, **NOVEMBER)["order_ship_timeliness_rate"]
    assert figure == {"value": 33.33, "numerator": 1, "denominator": 3, "unit": "percent"}


def test_phone_answer_speed(settings, team, manager, agent):
    """Answered within 15 s: incoming calls waiting 5, 15, 16 and 40 s → 2 of 4 = 50%; the outgoing one is left out.
    The agent's own: 5 and 40 → 50%; with 20 s allowed: 3 of 4 = 75%."""
    settings.PHONE_ANSWER_SECONDS = 15
    ticket = TicketFactory(team=team, channel="phone")
    with time_machine.travel(at(12, 10), tick=False):
        for wait, who in ((5, agent), (15, None), (16, None), (40, agent)):
            PhoneCall.objects.create(ticket=ticket, direction="in", number="13800000000",
                                     normalized_number="13800000000", wait_seconds=wait, agent=who)
        PhoneCall.objects.create(ticket=ticket, direction="out", number="13800000000", normalized_number="13800000000",
                                 wait_seconds=90, agent=agent)
    figures = kpi_summary(viewer=manager, **NOVEMBER)
    assert figures["phone_answer_rate"] == {"value": 50.0, "numerator": 2, "denominator": 4, "unit": "percent"}
    assert kpi_summary(viewer=manager, agent=agent, **NOVEMBER)["phone_answer_rate"]["value"] == 50.0
    settings.PHONE_ANSWER_SECONDS = 20
    assert kpi_summary(viewer=manager, **NOVEMBER)["phone_answer_rate"]["value"] == 75.0


def test_the_new_metrics_are_on_the_dashboard_and_drill_to_their_rows(reviews, client_for, manager):
    page = client_for(manager).get("/kpi/", {"date_from": "2026-11-01", "date_to": "2026-11-30"})
    text = page.content.decode()
    assert "好评率" in text and "订单处理及时率" in text and "电话接听及时率" in text
    assert "/reviews/?reviewed_after=" in text and "rating_min=4" in text
    listed = client_for(manager).get("/reviews/", {"rating_min": 4, "reviewed_after": "2026-11-01T00:00:00+08:00",
                                                   "reviewed_before": "2026-12-01T00:00:00+08:00"})
    assert listed.content.decode().count("★") == 3


def test_the_monthly_report_has_the_review_rates_by_shop_sku_team_and_agent(reviews, agent, team):
    from kpi.models import Report
    from django.utils.translation import gettext

    from kpi.reports import report_sections

    sections = dict((title, rows) for title, _header, rows in
                    report_sections(Report(kind="monthly", **NOVEMBER), lambda percent: None))
    rows = sections["评价"]
    assert ["店铺", "旗舰店", 4, 75.0, 25.0] in rows
    assert ["店铺", "折扣店", 2, 0.0, 50.0] in rows
    assert [gettext("Agent"), agent.username, 3, 66.67, 33.33] in rows
    assert ["团队", team.name, 3, 66.67, 33.33] in rows
    summary = {row[0]: row[1] for row in sections["汇总"]}
    assert summary["好评率"] == 50.0


def test_breakdowns_by_sku_and_team_page_their_groups_in_one_query(reviews, manager, team,
                                                                    django_assert_num_queries):
    """By SKU: SKU-A has 4 reviews (5, 5, 4, 2: 75% / 25%), SKU-B 2 (3, 1: 0% / 50%). By team: the agent's
    team 3 reviews (5, 4, 1: 66.67% / 33.33%), the other 3 (5, 3, 2: 33.33% / 33.33%)."""
    from kpi.selectors import kpi_review_breakdown

    with django_assert_num_queries(2):  # the threshold read is no query: one for the viewer's scope, one grouped
        first, more = kpi_review_breakdown(viewer=manager, by="sku", size=1, **NOVEMBER)
    assert [(r["key"], r["reviews"], r["positive_rate"], r["negative_rate"]) for r in first] == [
        ("SKU-A", 4, 75.0, 25.0)]
    assert more is True
    second, more = kpi_review_breakdown(viewer=manager, by="sku", size=1, page=2, **NOVEMBER)
    assert [(r["key"], r["reviews"], r["positive_rate"], r["negative_rate"]) for r in second] == [
        ("SKU-B", 2, 0.0, 50.0)]
    assert more is False
    by_team = {r["key"]: r for r in kpi_review_breakdown(viewer=manager, by="team", **NOVEMBER)[0]}
    assert (by_team[team.name]["reviews"], by_team[team.name]["positive_rate"],
            by_team[team.name]["negative_rate"]) == (3, 66.67, 33.33)
    assert by_team[team.name]["positive_review_rate"] == {"value": 66.67, "numerator": 2, "denominator": 3,
                                                          "unit": "percent"}
    other = next(r for name, r in by_team.items() if name != team.name)
    assert (other["reviews"], other["positive_rate"], other["negative_rate"]) == (3, 33.33, 33.33)


def test_a_breakdown_row_drills_to_the_reviews_behind_it(reviews, client_for, manager, agent):
    """The agent's row: 3 reviews, 2 rated 4–5, 1 差评; each number opens the review list filtered the same way."""
    from kpi.selectors import kpi_review_breakdown

    rows, _more = kpi_review_breakdown(viewer=manager, by="agent", **NOVEMBER)
    row = next(r for r in rows if r["value"] == agent.pk)
    client = client_for(manager)
    for url, stars in ((row["url"], 3), (row["positive_url"], 2), (row["negative_url"], 1)):
        assert f"agent={agent.pk}" in url and "reviewed_after=" in url
        assert client.get(url).content.decode().count("★") == stars
    unattributed = next(r for r in rows if r["value"] == "none")
    assert client.get(unattributed["url"]).content.decode().count("★") == 3


def test_the_dashboard_shows_the_breakdowns_narrowed_by_its_filters(reviews, client_for, manager, team):
    page = client_for(manager).get("/kpi/", {"date_from": "2026-11-01", "date_to": "2026-11-30", "team": team.pk})
    text = page.content.decode()
    assert 'data-breakdown="sku"' in text and 'data-breakdown="agent"' in text
    assert f"/reviews/?reviewed_after=2026-11-01T00%3A00%3A00%2B08%3A00&amp;reviewed_before=2026-12-01T00%3A00%3A00" \
           f"%2B08%3A00&amp;team={team.pk}&amp;shop=%E6%97%97%E8%88%B0%E5%BA%97" in text
    assert "66.67 %" in text


def test_the_review_breakdown_api(reviews, api, manager, team):
    response = api(manager).get("/api/v1/kpi/reviews/", {"by": "team", "date_from": "2026-11-01",
                                                         "date_to": "2026-11-30"})
    assert response.status_code == 200
    row = next(r for r in response.json()["rows"] if r["key"] == team.name)
    assert row == {"key": team.name, "value": str(team.pk), "reviews": 3,
                   "positive_review_rate": {"value": 66.67, "numerator": 2, "denominator": 3, "unit": "percent"},
                   "negative_review_rate": {"value": 33.33, "numerator": 1, "denominator": 3, "unit": "percent"}}
    assert response.json()["has_next"] is False
    bad = api(manager).get("/api/v1/kpi/reviews/", {"by": "colour", "page": 0})
    assert bad.status_code == 400 and {"by", "page"} <= set(bad.json())
