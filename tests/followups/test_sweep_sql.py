"""The follow-up sweep's insert statement."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from followups.models import FollowUpRule, FollowUpVisit
from followups.sweep_sql import COLUMNS, visits_insert
from orders.models import Order
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
DUE = dt.datetime(2026, 11, 9, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def row(team):
    order = OrderFactory(status=Order.Status.DELIVERED, delivered_at=DUE - dt.timedelta(days=7))
    return dict(rule=FollowUpRule.objects.get(code="delivered-7d"), source_type="order", source_id=order.pk, period="",
                customer=order.customer, order=order, kind="call", channel="phone", due_at=DUE, team=team,
                script="您好")


def test_insert_skips_existing_keys_and_counts_only_new_rows(row):
    assert visits_insert([FollowUpVisit(**row)]) == 1
    assert visits_insert([FollowUpVisit(**row), FollowUpVisit(**{**row, "period": "x"})]) == 1
    assert FollowUpVisit.objects.filter(source_id=row["source_id"]).count() == 2


def test_insert_writes_every_column_and_the_defaults(row):
    assert visits_insert([FollowUpVisit(**row)]) == 1
    visit = FollowUpVisit.objects.get()
    expected = FollowUpVisit(**row)
    for name, _kind in COLUMNS:
        assert getattr(visit, name) == getattr(expected, name), name
    assert visit.attempts == 0 and visit.outcome == "" and visit.notes == "" and visit.created_at


def test_insert_of_nothing_runs_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert visits_insert([]) == 0
