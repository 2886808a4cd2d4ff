"""Read business calendars as ``CalendarSpec`` values for the business-time module (cached per revision)."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from helpdesk.business_time import CalendarSpec
from helpdesk.models import BusinessCalendar
from helpdesk.statutory_holidays import provisional_holidays

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
