"""Business-time arithmetic on a working calendar: pure, no ORM, no settings.

Every deadline in the product (SLA targets, return steps, follow-up visits) is
computed here. A calendar (``CalendarSpec``) says when people work:

- ``weekly``: weekday (0 = Monday … 6 = Sunday) → working intervals
  ``(start, end)`` in local wall time. An interval ending at ``time(0)`` runs
  until midnight (24:00); an interval whose end is earlier than its start runs
  across midnight into the next day and belongs to the day it starts on.
- ``holidays``: dates with no working time (statutory holidays 法定节假日).
- ``workdays``: make-up working days (调休上班), usually a Saturday or Sunday;
  they are worked with the intervals of ``makeup_weekday`` (Monday unless the
  calendar says otherwise), i.e. the calendar's normal weekday hours.
- ``closures``: one-off closed periods ``(start, end)`` as aware datetimes.
- ``covered_years``: years whose official holiday data is known; ``None`` means
  the calendar does not use holiday data, so every year is covered.
- ``provisional``: year → holidays by rule, used for a year outside
  ``covered_years`` (a **provisional** year: weekends plus statutory holidays,
  no make-up days; ``helpdesk.statutory_holidays``). Holidays and make-up days
  listed for such a year still apply on top. Without it, a computation that
  needs an uncovered year raises ``UncoveredYearError``.

Units, exactly:

- **business minutes/hours**: consume that much working time, skipping
  non-working time; a deadline that lands on the end of an interval stays there.
- **business days**: from an instant inside working time, the same clock time
  on the N-th following working day, clamped to the last working instant of
  that day at or before that clock time (its first working instant if the day
  starts later); from outside working time, first move to the start of the
  next working time, then the same.
- **calendar minutes/hours**: ignore the calendar.

Aware datetimes in and out; results are in the calendar's timezone.
Arithmetic is done in UTC, so a timezone with daylight saving time would not
produce wrong durations, only (rarely) an ambiguous wall time at the switch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

Interval = tuple[dt.time, dt.time]
MIDNIGHT = dt.time(0)
UTC = dt.UTC
# A calendar with no working time in this many days is treated as broken, not searched forever.
SEARCH_DAYS = 3 * 366


class UncoveredYearError(ValueError):
    """A computation needs a year whose holidays the calendar does not know."""

    def __init__(self, year: int):
        super().__init__(f"business calendar has no holiday data for {year}")
        self.year = year


class NoWorkingTimeError(ValueError):
    """The calendar has no working time within the search horizon."""


@dataclass(frozen=True, eq=False)
class CalendarSpec:
    """A working calendar: weekly intervals, holidays, make-up days, closures, known years."""

    tz: ZoneInfo
    weekly: dict[int, tuple[Interval, ...]]
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    closures: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    covered_years: frozenset[int] | None = None
    makeup_weekday: int = 0
    provisional: Callable[[int], frozenset[dt.date]] | None = None
    _day_cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_overnight(self) -> bool:
        """Return whether any weekly interval runs past midnight into the next day."""
        return any(end != MIDNIGHT and end <= start for day in self.weekly.values() for start, end in day)


def _check_aware(instant: dt.datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("business-time arithmetic needs aware datetimes")


def is_holiday(spec: CalendarSpec, day: dt.date) -> bool:
    """Return whether ``day`` is a holiday of the calendar (official, or by rule in a provisional year)."""
    if day in spec.holidays:
        return True
    if spec.covered_years is None or day.year in spec.covered_years:
        return False
    if spec.provisional is None:
        raise UncoveredYearError(day.year)
    return day in spec.provisional(day.year)


def is_provisional(spec: CalendarSpec, start: dt.datetime, end: dt.datetime | None) -> bool:
    """Return whether a deadline running from ``start`` to ``end`` reads a day of a provisional year."""
    if spec.covered_years is None or end is None:
        return False
    first, last = sorted((start.astimezone(spec.tz).year, end.astimezone(spec.tz).year))
    return any(year not in spec.covered_years for year in range(first, last + 1))


def _wall(day: dt.date, clock: dt.time, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def day_intervals(spec: CalendarSpec, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """Return the working intervals that start on ``day`` as UTC datetimes, closures removed."""
    cached = spec._day_cache.get(day)
    if cached is not None:
        return cached
    if is_holiday(spec, day):
        weekly = ()
    elif day in spec.workdays:
        weekly = spec.weekly.get(spec.makeup_weekday, ())
    else:
        weekly = spec.weekly.get(day.weekday(), ())
    intervals = []
    for start, end in weekly:
        begin = _wall(day, start, spec.tz)
        finish = _wall(day + dt.timedelta(days=1), end, spec.tz) if end == MIDNIGHT or end <= start else _wall(day, end, spec.tz)
        intervals.extend(_minus_closures(begin, finish, spec.closures))
    result = tuple(sorted(intervals))
    if len(spec._day_cache) > 4096:
        spec._day_cache.clear()
    spec._day_cache[day] = result
    return result


def _minus_closures(begin, finish, closures) -> list[tuple[dt.datetime, dt.datetime]]:
    pieces = [(begin, finish)]
    for closed_from, closed_to in closures:
        closed_from, closed_to = closed_from.astimezone(UTC), closed_to.astimezone(UTC)
        kept = []
        for start, end in pieces:
            if closed_to <= start or closed_from >= end:
                kept.append((start, end))
                continue
            if start < closed_from:
                kept.append((start, closed_from))
            if closed_to < end:
                kept.append((closed_to, end))
        pieces = kept
    return pieces


def _intervals_from(spec: CalendarSpec, instant: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Yield working intervals in order, clipped so none starts before ``instant`` (UTC)."""
    _check_aware(instant)
    instant = instant.astimezone(UTC)
    day = instant.astimezone(spec.tz).date()
    if spec.has_overnight:
        day -= dt.timedelta(days=1)
    empty_days = 0
    while True:
        intervals = day_intervals(spec, day)
        for start, end in intervals:
            if end > instant:
                yield (max(start, instant), end)
        empty_days = 0 if intervals else empty_days + 1
        if empty_days > SEARCH_DAYS:
            raise NoWorkingTimeError("business calendar has no working time")
        day += dt.timedelta(days=1)


def is_working_time(spec: CalendarSpec, instant: dt.datetime) -> bool:
    """Return whether ``instant`` falls inside working time."""
    start, _end = next(_intervals_from(spec, instant))
    return start == instant.astimezone(UTC)


def next_working_start(spec: CalendarSpec, instant: dt.datetime) -> dt.datetime:
    """Return ``instant`` if it is working time, else the start of the next working time."""
    start, _end = next(_intervals_from(spec, instant))
    return start.astimezone(spec.tz)


def add_business_minutes(spec: CalendarSpec, start: dt.datetime, minutes: float) -> dt.datetime:
    """Return the instant after ``minutes`` of working time have passed from ``start``."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    remaining = dt.timedelta(minutes=minutes)
    for begin, end in _intervals_from(spec, start):
        if begin + remaining <= end:
            return (begin + remaining).astimezone(spec.tz)
        remaining -= end - begin
    raise AssertionError("unreachable")  # pragma: no cover


def add_business_hours(spec: CalendarSpec, start: dt.datetime, hours: float) -> dt.datetime:
    """Return the instant after ``hours`` of working time have passed from ``start``."""
    return add_business_minutes(spec, start, hours * 60)


def working_day_of(spec: CalendarSpec, instant: dt.datetime) -> dt.date:
    """Return the date whose working interval contains ``instant`` (or starts next)."""
    begin = next(_intervals_from(spec, instant))[0]
    day = begin.astimezone(spec.tz).date()
    for candidate in (day - dt.timedelta(days=1), day) if spec.has_overnight else (day,):
        if any(start <= begin < end for start, end in day_intervals(spec, candidate)):
            return candidate
    return day  # pragma: no cover


def add_business_days(spec: CalendarSpec, start: dt.datetime, days: int) -> dt.datetime:
    """Return the same clock time on the ``days``-th following working day (see the module docstring)."""
    if days < 0:
        raise ValueError("days must not be negative")
    anchor = next_working_start(spec, start)
    anchor_day = working_day_of(spec, anchor)
    local_anchor = anchor.astimezone(spec.tz).replace(tzinfo=None)
    offset = local_anchor - dt.datetime.combine(anchor_day, MIDNIGHT)
    if days == 0:
        return anchor
    day, found, empty = anchor_day, 0, 0
    while found < days:
        day += dt.timedelta(days=1)
        if day_intervals(spec, day):
            found, empty = found + 1, 0
        else:
            empty += 1
            if empty > SEARCH_DAYS:
                raise NoWorkingTimeError("business calendar has no working time")
    target = (dt.datetime.combine(day, MIDNIGHT) + offset).replace(tzinfo=spec.tz).astimezone(UTC)
    intervals = day_intervals(spec, day)
    best = None
    for begin, end in intervals:
        if begin <= target <= end:
            return target.astimezone(spec.tz)
        if end <= target:
            best = end
    return (best or intervals[0][0]).astimezone(spec.tz)


def add_calendar_minutes(start: dt.datetime, minutes: float) -> dt.datetime:
    """Return ``start`` plus wall-clock minutes, ignoring any calendar."""
    _check_aware(start)
    return (start.astimezone(UTC) + dt.timedelta(minutes=minutes)).astimezone(start.tzinfo)


def business_minutes_between(spec: CalendarSpec, start: dt.datetime, end: dt.datetime) -> float:
    """Return the working minutes between two instants; 0 when ``end`` is not after ``start``."""
    _check_aware(end)
    end = end.astimezone(UTC)
    if end <= start.astimezone(UTC):
        return 0.0
    total = dt.timedelta()
    for begin, finish in _intervals_from(spec, start):
        if begin >= end:
            break
        total += min(finish, end) - begin
    return total.total_seconds() / 60


def weekly_problems(weekly: dict[int, tuple[Interval, ...]]) -> list[str]:
    """Return what is wrong with weekly intervals: none at all, empty or overlapping intervals."""
    week = 7 * 24 * 60
    spans = []
    for weekday, intervals in weekly.items():
        for start, end in intervals:
            begin = weekday * 24 * 60 + start.hour * 60 + start.minute
            length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if end == MIDNIGHT or length < 0:
                length += 24 * 60
            if length == 0:
                return [f"empty interval {start:%H:%M}–{end:%H:%M}"]
            spans.append((begin, begin + length, weekday, start, end))
    if not spans:
        return ["no working time in the week"]
    problems = []
    spans.sort()
    # Compare on a two-week line so an interval late on Sunday meets Monday's.
    doubled = spans + [(b + week, e + week, *rest) for b, e, *rest in spans]
    for i, (begin, end, weekday, start, finish) in enumerate(spans):
        for other_begin, _other_end, other_day, other_start, other_finish in doubled[i + 1 : i + 1 + len(spans) - 1]:
            if other_begin < end:
                problems.append(
                    f"overlapping intervals: day {weekday} {start:%H:%M}–{finish:%H:%M} "
                    f"and day {other_day} {other_start:%H:%M}–{other_finish:%H:%M}"
                )
    return problems
