"""Read business calendars as ``CalendarSpec`` values for the business-time module (cached per revision)."""

import calendar as month_calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from helpdesk.business_time import CalendarSpec, is_holiday
from helpdesk.models import BusinessCalendar, CalendarHoliday, CalendarWorkday
from helpdesk.statutory_holidays import provisional_holiday_names, provisional_holidays

# (calendar id) → (revision, spec). A calendar change bumps the revision (``calendar_touch``), so every
# process rebuilds its spec on the next read without any cross-process invalidation message.
_SPECS: dict[int, tuple[int, CalendarSpec]] = {}


def calendar_spec(code_or_calendar: "str | BusinessCalendar") -> CalendarSpec:
    """Return the calendar (by code or row) as a ``CalendarSpec``; raise ``BusinessCalendar.DoesNotExist``."""
    if isinstance(code_or_calendar, BusinessCalendar):
        pk, revision = code_or_calendar.pk, code_or_calendar.revision
    else:
        pk, revision = BusinessCalendar.objects.values_list("pk", "revision").get(code=code_or_calendar)
    cached = _SPECS.get(pk)
    if cached is not None and cached[0] == revision:
        return cached[1]
    calendar = BusinessCalendar.objects.get(pk=pk)
    spec = calendar_spec_build(calendar)
    _SPECS[pk] = (calendar.revision, spec)
    return spec


def calendar_spec_build(calendar: BusinessCalendar) -> CalendarSpec:
    """Build a ``CalendarSpec`` from the calendar's rows (uncached)."""
    weekly: dict[int, tuple] = {}
    for weekday, start, end in calendar.intervals.order_by("weekday", "start_time").values_list(
        "weekday", "start_time", "end_time"
    ):
        weekly[weekday] = weekly.get(weekday, ()) + ((start, end),)
    closures = tuple(calendar.closures.values_list("starts_at", "ends_at"))
    if not calendar.uses_holidays:
        return CalendarSpec(tz=ZoneInfo(calendar.timezone), weekly=weekly, closures=closures,
                            makeup_weekday=calendar.makeup_weekday)
    return CalendarSpec(
        tz=ZoneInfo(calendar.timezone),
        weekly=weekly,
        holidays=frozenset(calendar.holidays.values_list("date", flat=True)),
        workdays=frozenset(calendar.workdays.values_list("date", flat=True)),
        closures=closures,
        covered_years=frozenset(calendar.years.values_list("year", flat=True)),
        makeup_weekday=calendar.makeup_weekday,
        provisional=provisional_holidays,
    )


def calendar_years_missing(calendar: BusinessCalendar, *, ahead: int = 1) -> list[int]:
    """Return this year and the next ``ahead`` years without official holiday data (provisional), for calendars that use it."""
    if not calendar.uses_holidays:
        return []
    this_year = timezone.localdate().year
    wanted = set(range(this_year, this_year + ahead + 1))
    return sorted(wanted - set(calendar.years.values_list("year", flat=True)))


# From this day of the year on, a next year still without the official schedule is announced to admins.
WARN_FROM = (10, 1)


def provisional_year_warning(*, today=None) -> dict | None:
    """Return ``{"year", "calendars"}`` when next year is still provisional on a holiday calendar and it is 1 October or later.

    The State Council publishes the next year's schedule in late autumn; until it is entered, deadlines in
    that year run on the provisional schedule.
    """
    today = today or timezone.localdate()
    if (today.month, today.day) < WARN_FROM:
        return None
    year = today.year + 1
    names = list(BusinessCalendar.objects.filter(uses_holidays=True).exclude(years__year=year)
                 .order_by("name").values_list("name", flat=True))
    return {"year": year, "calendars": names} if names else None


def _day_kind(day: dt.date, *, holidays, workdays) -> str:
    if day in holidays:
        return "holiday"
    if day in workdays:
        return "makeup"
    return "weekend" if day.weekday() >= 5 else "work"


def year_months(year: int, day_entry) -> list[dict]:
    """Return ``year`` as months of weeks (Monday first) of ``day_entry(date)``, ``None`` for days of another month."""
    months = []
    for month in range(1, 13):
        weeks = [[day_entry(day) if day.month == month else None for day in week]
                 for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
        months.append({"month": month, "first": dt.date(year, month, 1), "weeks": weeks})
    return months


def calendar_year_review(calendar: BusinessCalendar, schedule) -> list[dict]:
    """Return the year of an entered schedule as months of weeks of days, each day marked where it changes.

    A day is ``changed`` when it is off under the schedule and was a working day on the calendar as it is
    (the provisional schedule, or an earlier entry), or the other way round; ``before`` names what it was.
    """
    spec = calendar_spec(calendar)

    class _Current:
        def __contains__(self, day):
            return is_holiday(spec, day)

    current = _Current()

    def entry(day):
        after = _day_kind(day, holidays=schedule.holidays, workdays=schedule.workdays)
        before = _day_kind(day, holidays=current, workdays=spec.workdays)
        off_after, off_before = after in ("holiday", "weekend"), before in ("holiday", "weekend")
        return {"date": day, "kind": after, "before": before, "changed": off_after != off_before,
                "name": schedule.holidays.get(day) or schedule.workdays.get(day, "")}

    return year_months(schedule.year, entry)


def calendar_year_days(calendar: BusinessCalendar, year: int) -> dict:
    """Return the calendar's stored days of ``year`` for the year grid: months of weeks of days and the statutory holidays.

    Each day has ``kind`` (``holiday``, ``makeup``, ``weekend`` or ``work``) from the holiday and make-up rows,
    ``name`` (the row's, else the statutory holiday's) and ``statutory`` (a holiday by rule that year).
    """
    rows = {}
    for model, kind in ((CalendarHoliday, "holiday"), (CalendarWorkday, "makeup")):
        for day, name in model.objects.filter(calendar=calendar, date__year=year).values_list("date", "name"):
            rows[day] = (kind, name)
    statutory = provisional_holiday_names(year)

    def entry(day):
        kind, name = rows.get(day, ("weekend" if day.weekday() >= 5 else "work", ""))
        return {"date": day, "kind": kind, "name": name or statutory.get(day, ""), "statutory": day in statutory}

    return {"year": year, "months": year_months(year, entry), "statutory": statutory,
            "official": calendar.years.filter(year=year).exists(),
            "counts": {"holiday": sum(kind == "holiday" for kind, _ in rows.values()),
                       "makeup": sum(kind == "makeup" for kind, _ in rows.values())}}
