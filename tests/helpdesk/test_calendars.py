"""Business calendars: seeded defaults, admin validation, cached specs, the coverage check."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk.business_time import add_business_hours
from helpdesk.calendars import calendar_spec
from helpdesk.checks import calendar_years_check
from helpdesk.models import BusinessCalendar, CalendarWorkday, WorkingInterval

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_seeded_back_office_calendar_knows_spring_festival_2026():
    spec = calendar_spec("china-back-office")
    assert dt.date(2026, 2, 17) in spec.holidays
    assert dt.date(2026, 2, 14) in spec.workdays
    assert 2026 in spec.covered_years and 2027 not in spec.covered_years
    assert add_business_hours(spec, dt.datetime(2026, 2, 13, 16, tzinfo=SH), 4) == dt.datetime(2026, 2, 14, 11, tzinfo=SH)


@pytest.mark.django_db
def test_online_service_calendar_ignores_holidays_by_default():
    spec = calendar_spec("online-service")
    assert spec.covered_years is None and not spec.holidays
    assert spec.weekly[6] == ((dt.time(8), dt.time(0)),)


@pytest.mark.django_db
def test_calendar_spec_is_rebuilt_after_a_change(admin_user, client):
    calendar = BusinessCalendar.objects.get(code="china-back-office")
    before = calendar_spec("china-back-office")
    assert calendar_spec("china-back-office") is before
    client.force_login(admin_user)
    data = _admin_form(calendar, intervals=[(0, "09:00", "12:00"), (0, "13:00", "18:00")])
    response = client.post(reverse("admin:helpdesk_businesscalendar_change", args=[calendar.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = calendar_spec("china-back-office")
    assert after is not before and after.weekly == {0: ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(18)))}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "intervals",
    [[], [(0, "09:00", "12:00"), (0, "11:00", "18:00")], [(6, "22:00", "06:00"), (0, "05:00", "09:00")]],
    ids=["no working time", "overlap", "overlap across midnight"],
)
def test_admin_rejects_broken_weekly_hours(admin_user, client, intervals):
    calendar = BusinessCalendar.objects.get(code="online-service")
    client.force_login(admin_user)
    response = client.post(reverse("admin:helpdesk_businesscalendar_change", args=[calendar.pk]),
                           _admin_form(calendar, intervals=intervals))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()


@pytest.mark.django_db
def test_makeup_day_must_be_a_weekend():
    calendar = BusinessCalendar.objects.get(code="china-back-office")
    with pytest.raises(ValidationError):
        CalendarWorkday(calendar=calendar, date=dt.date(2026, 11, 23)).full_clean()
    CalendarWorkday(calendar=calendar, date=dt.date(2026, 11, 22)).full_clean()


@pytest.mark.django_db
def test_unknown_timezone_is_rejected():
    with pytest.raises(ValidationError):
        BusinessCalendar(code="x", name="x", timezone="Mars/Olympus").full_clean()


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=SH))
def test_system_check_flags_the_uncovered_next_year():
    warnings = calendar_years_check(databases=["default"])
    assert [w.id for w in warnings] == ["helpdesk.W001"]
    assert "2027" in warnings[0].msg
    assert calendar_years_check() == []


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=SH))
def test_admin_list_flags_missing_years(admin_user, client):
    client.force_login(admin_user)
    response = client.get(reverse("admin:helpdesk_businesscalendar_changelist"))
    assert "⚠ 2027" in response.content.decode()


def _admin_form(calendar, *, intervals):
    """Return the POST data of the calendar's admin change form with the given weekly intervals."""
    existing = list(WorkingInterval.objects.filter(calendar=calendar))
    data = {
        "name": calendar.name, "code": calendar.code, "timezone": calendar.timezone,
        "uses_holidays": "on" if calendar.uses_holidays else "", "makeup_weekday": calendar.makeup_weekday,
    }
    prefix = "intervals"
    rows = [{"id": row.pk, "DELETE": "on", "weekday": row.weekday, "start_time": row.start_time.strftime("%H:%M"),
             "end_time": row.end_time.strftime("%H:%M")} for row in existing]
    rows += [{"id": "", "weekday": d, "start_time": s, "end_time": e} for d, s, e in intervals]
    data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(existing),
                 f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
        data[f"{prefix}-{i}-calendar"] = calendar.pk
    for other, count in (("years", calendar.years.count()), ("workdays", calendar.workdays.count()),
                         ("closures", 0)):
        data.update({f"{other}-TOTAL_FORMS": 0, f"{other}-INITIAL_FORMS": 0,
                     f"{other}-MIN_NUM_FORMS": 0, f"{other}-MAX_NUM_FORMS": 1000})
    return data
