"""Deadlines that cross into a year without the official holiday schedule: provisional, then recomputed once it is entered."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from followups.models import FollowUpEvent, FollowUpRule, FollowUpVisit
from followups.services import visit_sweep_rule
from helpdesk import services as calendar_services
from helpdesk.holiday_notice import notice_parse
from helpdesk.models import BusinessCalendar, CalendarYearEntry
from orders import services as return_services
from orders.models import ReturnEvent, ReturnPolicy
from sla import services as sla_services
from sla.models import Notification, SLAPolicy, TicketSLATimer
from tests.factories import CustomerFactory
from tests.factories.orders import delivered_order
from tickets.models import TicketEvent
from tickets.services import ticket_create

SH = ZoneInfo("Asia/Shanghai")
FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def enter_2027(admin_user, django_capture_on_commit_callbacks):
    """Enter the plausible 2027 notice and run the recomputation it enqueues, as the worker would."""
    schedule = notice_parse((FIXTURES / "notice_2027_plausible.txt").read_text())
    calendar = BusinessCalendar.objects.get(code="china-back-office")
    with django_capture_on_commit_callbacks() as callbacks:
        entry = calendar_services.calendar_year_enter(calendar=calendar, schedule=schedule, actor=admin_user)
    assert len(callbacks) == 1  # the recomputation task, sent after commit
    return calendar_services.calendar_year_recompute(entry_id=entry.pk)


def sweep_sla(now):
    """Run the SLA sweeper's checks for every timer due by ``now``; return what happened."""
    results = []
    for timer in TicketSLATimer.objects.filter(next_check_at__lte=now).order_by("pk"):
        result = sla_services.sla_timer_check(timer_id=timer.pk, now=now)
        if result:
            results.append((timer.ticket_id, timer.target, result))
    return results


def sweep_returns(*ids):
    """Run the return sweeper's marks on these deadlines (each mark changes only a due one)."""
    return ([pk for pk in ids if return_services.return_deadline_mark_warned(deadline_id=pk)],
            [pk for pk in ids if return_services.return_deadline_mark_breached(deadline_id=pk)])


def complaint(agent, team):
    return ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="投诉", kind="complaint",
                         channel="email", assignee=agent)


def resolution(ticket):
    return TicketSLATimer.objects.get(ticket=ticket, target="resolution")


def test_deadlines_into_2027_are_provisional_then_recomputed_once_the_schedule_is_entered(
        sla_defaults, agent, supervisor, team, admin_user, django_capture_on_commit_callbacks):
    ReturnPolicy.objects.filter(is_active=True).update(case_days=30)  # a 30-business-day after-sales window
    SLAPolicy.objects.filter(kind="complaint").update(raise_priority=False)  # keep both tickets on one policy
    with time_machine.travel(at(2026, 12, 20, 10), tick=False):
        order = delivered_order(lines=((1, "99.00"),))
        ret = return_services.return_request_create(order=order, kind="return", reason="no_reason",
                                                    items=[(order.items.first().pk, 1)], actor=agent)
        ret = return_services.return_request_approve(return_request=ret, actor=agent)
        ret = return_services.return_request_arrange_pickup(return_request=ret, actor=agent, method="pickup")
        ret = return_services.return_request_receive(return_request=ret, actor=agent)
    case = ret.deadlines.get(step="case")
    # From Sun 2026-12-20: 30 working days, 2027-01-01 off by rule, no make-up day: Tue 2027-02-02 09:00.
    assert case.due_at == at(2027, 2, 2, 9) and case.is_provisional
    assert not ret.deadlines.get(step="inspection").is_provisional  # due Tue 2026-12-22: no 2027 day read

    with time_machine.travel(at(2026, 12, 30, 17), tick=False):
        late_december = complaint(agent, team)
    # 3 business days from Wed 17:00: Thu 12-31, (Fri 01-01 元旦), Mon 01-04, Tue 01-05.
    assert resolution(late_december).due_at == at(2027, 1, 5, 17) and resolution(late_december).is_provisional
    assert not TicketSLATimer.objects.get(ticket=late_december, target="first_response").is_provisional

    with time_machine.travel(at(2027, 1, 5, 17, 30), tick=False):
        assert sweep_sla(at(2027, 1, 5, 17, 30)) == [(late_december.pk, "first_response", "breach"),
                                                     (late_december.pk, "resolution", "breach")]
        assert sweep_sla(at(2027, 1, 5, 17, 30)) == []
    with time_machine.travel(at(2027, 1, 29, 17), tick=False):
        late_january = complaint(agent, team)
    assert resolution(late_january).due_at == at(2027, 2, 3, 17)  # Mon 02-01, Tue 02-02, Wed 02-03
    with time_machine.travel(at(2027, 1, 30, 10), tick=False):
        warned, breached = sweep_returns(case.pk)
        assert warned == [case.pk] and breached == []

    with time_machine.travel(at(2027, 2, 1, 10), tick=False):
        entry = enter_2027(admin_user, django_capture_on_commit_callbacks)
        assert entry.status == CalendarYearEntry.Status.DONE
        # The late-January complaint's first response and resolution, the return's case deadline.
        assert entry.progress["sla"]["shifted"] == 2 and entry.progress["orders"]["shifted"] == 1

        # The complaint of 30 December: same due time under the official schedule, no longer provisional,
        # its breach recorded once and not again.
        timer = resolution(late_december)
        assert timer.due_at == at(2027, 1, 5, 17) and not timer.is_provisional and timer.breached_at
        assert not late_december.events.filter(kind=TicketEvent.Kind.SLA_RECOMPUTED).exists()
        # The complaint of 29 January: the make-up Sunday 01-31 is worked, so it is due a day earlier.
        timer = resolution(late_january)
        assert timer.due_at == at(2027, 2, 2, 17) and not timer.is_provisional
        shifts = late_january.events.filter(kind=TicketEvent.Kind.SLA_RECOMPUTED).order_by("from_value")
        assert [(shift.from_value, shift.to_value) for shift in shifts] == [
            ("2027-02-01 12:00", "2027-01-31 12:00"), ("2027-02-03 17:00", "2027-02-02 17:00")]
        assert all("2027" in shift.note for shift in shifts)

        # The return: the make-up Sunday moves the 30th working day to Mon 02-01 09:00, now past.
        case.refresh_from_db()
        assert case.due_at == at(2027, 2, 1, 9) and not case.is_provisional and case.warned_at
        recomputed = ret.events.get(kind=ReturnEvent.Kind.RECOMPUTED)
        assert "2027-02-02 09:00" in recomputed.note and "2027-02-01 09:00" in recomputed.note

        # Exactly once: the moved deadline breaches on the next sweep, nothing warns or breaches twice.
        assert sweep_returns(case.pk) == ([], [case.pk])
        assert sweep_returns(case.pk) == ([], [])
        # The late-January first reply (4 business hours) now fell due on the make-up Sunday 01-31 12:00.
        assert sweep_sla(at(2027, 2, 1, 10)) == [(late_january.pk, "first_response", "breach")]
        assert sweep_sla(at(2027, 2, 1, 10)) == []
    assert ret.events.filter(kind=ReturnEvent.Kind.BREACHED).count() == 1
    assert ret.events.filter(kind=ReturnEvent.Kind.WARNING).count() == 1
    assert late_december.events.filter(kind=TicketEvent.Kind.SLA_BREACH).count() == 2  # first response, resolution
    # Each breach told the assignee and the supervisor once.
    assert Notification.objects.filter(ticket=late_december, kind=Notification.Kind.SLA_BREACH).count() == 4
    assert Notification.objects.filter(ticket=late_january, kind=Notification.Kind.SLA_BREACH).count() == 2

    # Running the recomputation again (a redelivered task) moves nothing and records nothing more.
    with time_machine.travel(at(2027, 2, 1, 11), tick=False):
        again = calendar_services.calendar_year_recompute(entry_id=entry.pk)
    assert again.progress["sla"]["shifted"] == 0 and again.progress["orders"]["shifted"] == 0
    assert late_january.events.filter(kind=TicketEvent.Kind.SLA_RECOMPUTED).count() == 2
    assert ret.events.filter(kind=ReturnEvent.Kind.RECOMPUTED).count() == 1


def test_visit_due_in_business_days_is_recomputed_and_the_shift_recorded(sla_defaults, agent, team, admin_user,
                                                                        django_capture_on_commit_callbacks):
    rule = FollowUpRule.objects.create(
        code="complaint-5bd", name="投诉解决后回访", trigger=FollowUpRule.Trigger.COMPLAINT_RESOLVED,
        kind=FollowUpRule.Kind.CALL, channel=FollowUpRule.Channel.PHONE, delay_days=5,
        delay_unit=FollowUpRule.DelayUnit.BUSINESS_DAYS, team=team,
    )
    with time_machine.travel(at(2027, 1, 25, 10), tick=False):
        ticket = complaint(agent, team)
        ticket.status, ticket.resolved_at = "resolved", at(2027, 1, 25, 10)
        ticket.save(update_fields=["status", "resolved_at"])
    with time_machine.travel(at(2027, 1, 31, 10), tick=False):
        assert visit_sweep_rule(rule=rule) == 1
    visit = FollowUpVisit.objects.get(rule=rule)
    # Mon 01-25 + 5 working days, no make-up day: Mon 02-01.
    assert visit.due_at == at(2027, 2, 1, 10) and visit.is_provisional and visit.source_at == at(2027, 1, 25, 10)
    with time_machine.travel(at(2027, 1, 31, 11), tick=False):
        enter_2027(admin_user, django_capture_on_commit_callbacks)
    visit.refresh_from_db()
    assert visit.due_at == at(2027, 1, 31, 10) and not visit.is_provisional  # the make-up Sunday is worked
    event = visit.events.get(kind=FollowUpEvent.Kind.RECOMPUTED)
    assert "2027-02-01 10:00" in event.note and "2027-01-31 10:00" in event.note


def test_entering_a_year_replaces_its_rows_and_leaves_other_calendars_alone(sla_defaults, admin_user,
                                                                           django_capture_on_commit_callbacks):
    calendar = BusinessCalendar.objects.get(code="china-back-office")
    online = BusinessCalendar.objects.get(code="online-service")
    before = calendar.revision
    enter_2027(admin_user, django_capture_on_commit_callbacks)
    enter_2027(admin_user, django_capture_on_commit_callbacks)  # entered twice: still one set of rows
    calendar.refresh_from_db()
    assert calendar.revision > before
    assert calendar.holidays.filter(date__year=2027).count() == 28
    assert sorted(calendar.workdays.filter(date__year=2027).values_list("date", flat=True))[0] == dt.date(2027, 1, 31)
    assert calendar.years.filter(year=2027).count() == 1
    assert not online.years.filter(year=2027).exists() and not online.holidays.filter(date__year=2027).exists()


def test_api_and_pages_mark_a_provisional_due_time(sla_defaults, api, agent, team, client):
    with time_machine.travel(at(2026, 12, 30, 17), tick=False):
        ticket = complaint(agent, team)
        order = delivered_order(lines=((1, "99.00"),))
        ret = return_services.return_request_create(order=order, kind="return", reason="no_reason",
                                                    items=[(order.items.first().pk, 1)], actor=agent)
        ret = return_services.return_request_approve(return_request=ret, actor=agent)
    with time_machine.travel(at(2026, 12, 30, 17, 5), tick=False):
        targets = api(agent).get(f"/api/v1/tickets/{ticket.pk}/").json()["sla"]["targets"]
        assert targets["resolution"]["is_provisional"] is True and targets["first_response"]["is_provisional"] is False
        deadlines = api(agent).get(f"/api/v1/returns/{ret.pk}/").json()["deadlines"]
        assert deadlines["pickup"]["is_provisional"] is True and deadlines["confirm"]["is_provisional"] is False
        client.force_login(agent)
        assert 'data-testid="provisional"' in client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
        assert 'data-testid="provisional"' in client.get(reverse("orders:return_detail", args=[ret.pk])).content.decode()
