import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine

from orders import services, tasks
from orders.models import ReturnDeadline, ReturnEvent, ReturnRequest
from orders.selectors import deadlines_block
from tests.factories.orders import delivered_order

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def started_return(agent):
    order = delivered_order(lines=((1, "99.00"),))
    line = order.items.first()
    return services.return_request_create(order=order, kind="return", reason="no_reason", items=[(line.pk, 1)], actor=agent)


def due(ret, step):
    return ret.deadlines.get(step=step).due_at.astimezone(SH)


def test_step_deadlines_span_national_day_2026_and_its_make_up_saturday(agent):
    with time_machine.travel(at(2026, 9, 29, 10), tick=False):
        ret = started_return(agent)
        assert due(ret, "confirm") == at(2026, 9, 30, 10)  # 24 calendar hours
    with time_machine.travel(at(2026, 9, 30, 10), tick=False):
        ret = services.return_request_approve(return_request=ret, actor=agent)
        # 3 business days after 30 Sep: 8 Oct, 9 Oct, then the make-up Saturday 10 Oct (调休上班)
        assert due(ret, "pickup") == at(2026, 10, 10, 10)
        ret = services.return_request_arrange_pickup(return_request=ret, actor=agent, method="pickup")
        ret = services.return_request_receive(return_request=ret, actor=agent)
        assert due(ret, "inspection") == at(2026, 10, 8, 10)  # 1–7 Oct are holidays
        assert due(ret, "case") == at(2026, 10, 15, 10)  # 8, 9, 10(Sat), 12, 13, 14, 15
    with time_machine.travel(at(2026, 10, 9, 16), tick=False):
        ret = services.return_request_inspect(return_request=ret, actor=agent, passed=True)
        assert due(ret, "refund") == at(2026, 10, 12, 16)  # Sat 10 Oct is worked, then Mon 12 Oct


def test_sweeper_marks_overdue_steps_breached_once(agent):
    with time_machine.travel(at(2026, 11, 2, 10), tick=False):
        ret = services.return_request_approve(return_request=started_return(agent), actor=agent)
    with time_machine.travel(at(2026, 11, 9, 10), tick=False):
        with mock.patch.object(tasks.return_deadline_mark_breached, "delay") as enqueue:
            assert tasks.return_deadline_sweep_due() == 1
        pickup = ret.deadlines.get(step="pickup")
        enqueue.assert_called_once_with(deadline_id=pickup.pk)
        assert tasks.return_deadline_mark_breached(deadline_id=pickup.pk) is True
        assert tasks.return_deadline_mark_breached(deadline_id=pickup.pk) is False
        assert ret.events.filter(kind=ReturnEvent.Kind.BREACHED).count() == 1
        block = deadlines_block(ReturnRequest.objects.get(pk=ret.pk))
        assert set(block) == {"confirm", "pickup", "inspection", "refund", "case"}
        assert block["pickup"]["breached_at"] is not None and block["inspection"]["due_at"] is None


def test_deadline_in_a_year_without_official_holiday_data_runs_on_the_provisional_schedule(agent):
    with time_machine.travel(at(2027, 3, 1, 10), tick=False):
        ret = services.return_request_approve(return_request=started_return(agent), actor=agent)
    assert ReturnDeadline.objects.get(return_request=ret, step="pickup").due_at == at(2027, 3, 4, 10)


def test_unconfirmed_application_is_confirmed_by_the_sweeper(agent):
    with time_machine.travel(at(2026, 11, 2, 10), tick=False):
        ret = started_return(agent)
    with time_machine.travel(at(2026, 11, 2, 10, 5), tick=False):
        with mock.patch.object(tasks.return_request_confirm, "delay") as enqueue:
            assert tasks.return_request_sweep_unconfirmed() == 1
    enqueue.assert_called_once_with(return_request_id=ret.pk)
