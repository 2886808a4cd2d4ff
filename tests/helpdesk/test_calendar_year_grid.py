"""The business calendar's year grid: one diff of changed days per save, bad days refused, all or nothing."""

import datetime as dt
import time

from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from helpdesk import services
from helpdesk.calendars import calendar_spec, calendar_year_days
from helpdesk.business_time import is_holiday
from helpdesk.models import BusinessCalendar, CalendarHoliday, CalendarWorkday, CalendarYearEntry
from sla.models import TicketSLATimer
from tests.factories import CustomerFactory
from tickets.models import TicketEvent
from tickets.services import ticket_create

pytestmark = pytest.mark.django_db
D = dt.date
SH = ZoneInfo("Asia/Shanghai")


def back_office():
    return BusinessCalendar.objects.get(code="china-back-office")


def kinds(calendar, year):
    return {day["date"]: day["kind"] for month in calendar_year_days(calendar, year)["months"]
            for week in month["weeks"] for day in week if day}


def test_save_writes_only_the_days_that_change_and_records_them(admin_user):
    calendar = back_office()
    before = kinds(calendar, 2026)
    assert before[D(2026, 10, 1)] == "holiday" and before[D(2026, 3, 3)] == "work"
    revision = calendar.revision
    counts = services.calendar_days_save(
        calendar=calendar, year=2026, official=True, actor=admin_user,
        changes={D(2026, 3, 3): "holiday",  # a Tuesday off
                 D(2026, 3, 7): "makeup",  # a Saturday worked
                 D(2026, 10, 1): "work",  # National Day made a working day
                 D(2026, 10, 2): "holiday",  # already a holiday: nothing to write
                 D(2026, 3, 4): "work"})  # already a working day: nothing to write
    assert {k: v for k, v in counts.items() if k != "entry"} == {"holiday": 1, "makeup": 1, "work": 1, "official": 0}
    after = kinds(calendar, 2026)
    changed = {day for day in after if after[day] != before[day]}
    assert changed == {D(2026, 3, 3), D(2026, 3, 7), D(2026, 10, 1)}
    assert after[D(2026, 3, 3)] == "holiday" and after[D(2026, 3, 7)] == "makeup" and after[D(2026, 10, 1)] == "work"
    calendar.refresh_from_db()
    assert calendar.revision == revision + 1
    spec = calendar_spec(calendar)
    assert is_holiday(spec, D(2026, 3, 3)) and not is_holiday(spec, D(2026, 3, 7)) and not is_holiday(spec, D(2026, 10, 1))
    entry = LogEntry.objects.get(object_id=str(calendar.pk), content_type__model="businesscalendar")
    assert entry.user == admin_user and "2026-03-03" in entry.change_message and "3" in entry.change_message


def test_nothing_changed_writes_nothing(admin_user):
    calendar = back_office()
    revision = calendar.revision
    counts = services.calendar_days_save(calendar=calendar, year=2026, official=True, actor=admin_user,
                                         changes={D(2026, 10, 1): "holiday"})
    assert counts == {"holiday": 0, "makeup": 0, "work": 0, "official": 0, "entry": None}
    calendar.refresh_from_db()
    assert calendar.revision == revision and not LogEntry.objects.exists()


def test_a_new_year_takes_the_statutory_names_and_can_be_marked_official(admin_user):
    calendar = back_office()
    assert not calendar.years.filter(year=2031).exists()
    grid = calendar_year_days(calendar, 2031)
    assert grid["official"] is False and D(2031, 10, 1) in grid["statutory"]
    services.calendar_days_save(calendar=calendar, year=2031, official=True, actor=admin_user,
                                changes={day: "holiday" for day in grid["statutory"]})
    assert calendar.years.filter(year=2031).exists()
    assert CalendarHoliday.objects.get(calendar=calendar, date=D(2031, 10, 1)).name.endswith("国庆节")


@pytest.mark.parametrize("changes, message", [
    ({D(2025, 12, 31): "holiday"}, "2025-12-31 is not in 2026"),
    ({D(2026, 3, 4): "makeup"}, "must be a Saturday or a Sunday"),
    ({D(2026, 3, 4): "party"}, "unknown kind"),
])
def test_bad_days_are_refused_and_nothing_is_saved(admin_user, changes, message):
    calendar = back_office()
    holidays = set(CalendarHoliday.objects.filter(calendar=calendar).values_list("date", flat=True))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.calendar_days_save(calendar=calendar, year=2026, official=True, actor=admin_user,
                                    changes={D(2026, 3, 3): "holiday", **changes})
    assert any(message in text for text in refused.value.messages)
    assert set(CalendarHoliday.objects.filter(calendar=calendar).values_list("date", flat=True)) == holidays


def test_a_failure_half_way_leaves_the_calendar_as_it_was(admin_user, monkeypatch):
    calendar = back_office()
    holidays = set(CalendarHoliday.objects.filter(calendar=calendar).values_list("date", flat=True))
    workdays = set(CalendarWorkday.objects.filter(calendar=calendar).values_list("date", flat=True))

    def fail(*args, **kwargs):
        raise RuntimeError("history table unavailable")

    monkeypatch.setattr(LogEntry.objects, "log_actions", fail)
    with pytest.raises(RuntimeError):
        services.calendar_days_save(calendar=calendar, year=2026, official=False, actor=admin_user,
                                    changes={D(2026, 10, 1): "work", D(2026, 3, 7): "makeup", D(2026, 3, 3): "holiday"})
    assert set(CalendarHoliday.objects.filter(calendar=calendar).values_list("date", flat=True)) == holidays
    assert set(CalendarWorkday.objects.filter(calendar=calendar).values_list("date", flat=True)) == workdays
    assert calendar.years.filter(year=2026).exists()


def test_admin_page_shows_the_year_and_saves_the_posted_diff(admin_user, client):
    client.force_login(admin_user)
    calendar = back_office()
    change = client.get(reverse("admin:helpdesk_businesscalendar_change", args=[calendar.pk]))
    url = reverse("admin:helpdesk_businesscalendar_year", args=[calendar.pk])
    assert url in change.content.decode()
    assert "calendarworkday" not in change.content.decode().lower()  # no inline rows of make-up days any more
    started = time.perf_counter()
    page = client.get(url, {"year": 2026})
    print(f"year grid GET: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert page.status_code == 200 and page.content.decode().count('<button type="button" class="day ') == 365
    started = time.perf_counter()
    saved = client.post(url, {"year": 2026, "changes": "2026-03-03=holiday;2026-03-07=makeup", "official": "1"})
    print(f"year grid POST: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert saved.status_code == 302 and saved["Location"].endswith("?year=2026")
    assert CalendarHoliday.objects.filter(calendar=calendar, date=D(2026, 3, 3)).exists()
    assert CalendarWorkday.objects.filter(calendar=calendar, date=D(2026, 3, 7)).exists()


@pytest.mark.parametrize("data, message", [
    ({"year": 2026, "changes": "2026-02-30=holiday"}, "“2026-02-30” is not a date (YYYY-MM-DD)."),
    ({"year": 2026, "changes": "2027-01-04=holiday"}, "2027-01-04 is not in 2026."),
    ({"year": "twenty", "changes": ""}, "Enter a whole number."),
])
def test_admin_page_answers_bad_input_with_400_and_the_reason(admin_user, client, data, message):
    client.force_login(admin_user)
    calendar = back_office()
    with translation.override("en"):
        response = client.post(reverse("admin:helpdesk_businesscalendar_year", args=[calendar.pk]), data,
                               HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CalendarHoliday.objects.filter(calendar=calendar, date=D(2027, 1, 4)).exists()


def test_admin_page_refuses_a_bad_year_in_the_address(admin_user, client):
    client.force_login(admin_user)
    response = client.get(reverse("admin:helpdesk_businesscalendar_year", args=[back_office().pk]), {"year": "x"})
    assert response.status_code == 400


def test_a_changed_day_recomputes_the_open_deadlines_it_moves(sla_defaults, agent, team, admin_user,
                                                              django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 3, 4, 10, tzinfo=SH), tick=False):  # Wednesday
        ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="投诉", kind="complaint",
                               channel="email", assignee=agent)
    timer = TicketSLATimer.objects.get(ticket=ticket, target="resolution")
    before = timer.due_at
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = services.calendar_days_save(calendar=back_office(), year=2026, official=True, actor=admin_user,
                                             changes={D(2026, 3, 5): "holiday"})  # Thursday off
    assert len(callbacks) == 1  # the recomputation task, sent after commit
    entry = CalendarYearEntry.objects.get(pk=counts["entry"])
    assert entry.kind == CalendarYearEntry.Kind.GRID and entry.status == CalendarYearEntry.Status.RUNNING
    with time_machine.travel(dt.datetime(2026, 3, 4, 11, tzinfo=SH), tick=False):
        entry = services.calendar_year_recompute(entry_id=entry.pk)
    assert entry.status == CalendarYearEntry.Status.DONE and entry.progress["sla"]["shifted"] >= 1
    timer.refresh_from_db()
    assert timer.due_at == before + dt.timedelta(days=1)  # one working day later
    shift = ticket.events.get(kind=TicketEvent.Kind.SLA_RECOMPUTED, to_value=timer.due_at.astimezone(SH).strftime("%Y-%m-%d %H:%M"))
    assert "2026" in shift.note


def test_admin_save_links_to_the_recomputation(admin_user, client):
    client.force_login(admin_user)
    url = reverse("admin:helpdesk_businesscalendar_year", args=[back_office().pk])
    page = client.post(url, {"year": 2026, "changes": "2026-03-03=holiday", "official": "1"}, follow=True)
    entry = CalendarYearEntry.objects.get(kind=CalendarYearEntry.Kind.GRID)
    assert reverse("admin:helpdesk_calendaryearentry_change", args=[entry.pk]) in page.content.decode()
    assert entry.holiday_count == CalendarHoliday.objects.filter(calendar=back_office(), date__year=2026).count()
