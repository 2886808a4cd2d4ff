"""Hand-worked deadlines on the business-time module (no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from chinese_calendar import constants

from helpdesk.business_time import (
    CalendarSpec,
    UncoveredYearError,
    add_business_days,
    add_business_hours,
    add_business_minutes,
    add_calendar_minutes,
    business_minutes_between,
    is_provisional,
    is_working_time,
    next_working_start,
)
from helpdesk.statutory_holidays import provisional_holiday_names, provisional_holidays

SH = ZoneInfo("Asia/Shanghai")
T = dt.time
NINE_TO_SIX = ((T(9), T(18)),)


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def china(weekly=None, **kwargs):
    years = frozenset(d.year for d in constants.holidays)
    return CalendarSpec(
        tz=SH,
        weekly=weekly if weekly is not None else {day: NINE_TO_SIX for day in range(5)},
        holidays=frozenset(constants.holidays),
        workdays=frozenset(constants.workdays),
        covered_years=kwargs.pop("covered_years", years),
        **kwargs,
    )


BACK_OFFICE = china()


def test_friday_1730_plus_4_business_hours_is_monday_1230():
    # 2026-11-20 is a Friday: 30 minutes on Friday, 3.5 hours on Monday.
    assert add_business_hours(BACK_OFFICE, at(2026, 11, 20, 17, 30), 4) == at(2026, 11, 23, 12, 30)


def test_deadline_landing_on_closing_time_stays_on_that_day():
    assert add_business_minutes(BACK_OFFICE, at(2026, 11, 20, 17, 30), 30) == at(2026, 11, 20, 18, 0)


def test_spring_festival_2026_is_skipped_and_makeup_saturday_worked():
    # Fri 2026-02-13 16:00 + 4h: 2 h Friday, 2 h on the make-up Saturday 2026-02-14.
    assert add_business_hours(BACK_OFFICE, at(2026, 2, 13, 16), 4) == at(2026, 2, 14, 11)
    # Sat 2026-02-14 17:00 + 2h: 1 h that Saturday, holidays 02-15 … 02-23, 1 h on Tue 02-24.
    assert add_business_hours(BACK_OFFICE, at(2026, 2, 14, 17), 2) == at(2026, 2, 24, 10)
    assert is_working_time(BACK_OFFICE, at(2026, 2, 14, 10))
    assert not is_working_time(BACK_OFFICE, at(2026, 2, 18, 10))


def test_business_days_across_spring_festival():
    # Thu 02-12 10:00 + 3 business days: Fri 13, Sat 14 (make-up), Tue 24.
    assert add_business_days(BACK_OFFICE, at(2026, 2, 12, 10), 3) == at(2026, 2, 24, 10)


def test_national_day_2026_with_makeup_days():
    # Make-up Sunday 2026-09-20 is a working day.
    assert add_business_days(BACK_OFFICE, at(2026, 9, 18, 15), 1) == at(2026, 9, 20, 15)
    # Wed 09-30 10:00 + 2 business days: holidays 10-01 … 10-07, Thu 10-08, Fri 10-09.
    assert add_business_days(BACK_OFFICE, at(2026, 9, 30, 10), 2) == at(2026, 10, 9, 10)
    # … + 3 lands on the make-up Saturday 10-10.
    assert add_business_days(BACK_OFFICE, at(2026, 9, 30, 10), 3) == at(2026, 10, 10, 10)
    # Working minutes from Wed 09-30 17:00 to Thu 10-08 10:00: 60 + 60.
    assert business_minutes_between(BACK_OFFICE, at(2026, 9, 30, 17), at(2026, 10, 8, 10)) == 120


def test_one_business_day_from_a_sunday_moves_to_monday_start_first():
    # Sun 2026-11-22 11:00 → Mon 09:00 is the start → Tue 09:00.
    assert next_working_start(BACK_OFFICE, at(2026, 11, 22, 11)) == at(2026, 11, 23, 9)
    assert add_business_days(BACK_OFFICE, at(2026, 11, 22, 11), 1) == at(2026, 11, 24, 9)


def test_business_day_is_clamped_to_a_shorter_day():
    short_friday = {0: NINE_TO_SIX, 1: NINE_TO_SIX, 2: NINE_TO_SIX, 3: NINE_TO_SIX, 4: ((T(9), T(15)),)}
    spec = china(short_friday)
    assert add_business_days(spec, at(2026, 11, 19, 17), 1) == at(2026, 11, 20, 15)


def test_several_intervals_per_day_skip_the_lunch_break():
    spec = china({d: ((T(9), T(12)), (T(13, 30), T(18))) for d in range(5)})
    assert add_business_minutes(spec, at(2026, 11, 23, 11, 30), 60) == at(2026, 11, 23, 14)
    assert business_minutes_between(spec, at(2026, 11, 23, 11), at(2026, 11, 23, 14)) == 90


def test_interval_until_midnight_and_across_midnight():
    online = CalendarSpec(tz=SH, weekly={d: ((T(8), T(0)),) for d in range(7)})
    assert add_business_minutes(online, at(2026, 11, 23, 23, 50), 20) == at(2026, 11, 24, 8, 10)
    night = CalendarSpec(tz=SH, weekly={d: ((T(22), T(6)),) for d in range(7)})
    assert is_working_time(night, at(2026, 11, 24, 2))
    assert add_business_hours(night, at(2026, 11, 23, 23), 8) == at(2026, 11, 24, 23)
    assert add_business_days(night, at(2026, 11, 24, 1), 1) == at(2026, 11, 25, 1)


def test_leap_day_is_a_working_day():
    spec = CalendarSpec(tz=SH, weekly={d: NINE_TO_SIX for d in range(5)})
    # 2028-02-28 is a Monday, 02-29 a Tuesday.
    assert add_business_days(spec, at(2028, 2, 28, 10), 1) == at(2028, 2, 29, 10)
    assert add_business_days(spec, at(2028, 2, 29, 10), 1) == at(2028, 3, 1, 10)
    assert add_business_hours(spec, at(2024, 2, 28, 17), 2) == at(2024, 2, 29, 10)


def test_uncovered_year_raises_without_a_provisional_rule():
    with pytest.raises(UncoveredYearError):
        add_business_days(BACK_OFFICE, at(2026, 12, 30, 10), 3)
    with pytest.raises(UncoveredYearError):
        business_minutes_between(BACK_OFFICE, at(2026, 12, 31, 10), at(2027, 1, 4, 10))


PROVISIONAL = china(provisional=provisional_holidays)


def test_uncovered_year_runs_on_statutory_holidays_by_rule():
    # Wed 2026-12-30 17:00 + 3 business days: Thu 12-31, (Fri 2027-01-01 元旦), Mon 01-04, Tue 01-05.
    assert add_business_days(PROVISIONAL, at(2026, 12, 30, 17), 3) == at(2027, 1, 5, 17)
    # Spring Festival 2027 by the lunar calendar: New Year's Eve Fri 02-05 to Mon 02-08 (初三).
    assert add_business_days(PROVISIONAL, at(2027, 2, 4, 10), 1) == at(2027, 2, 9, 10)
    # Dragon Boat (Wed 2027-06-09) and Mid-Autumn (Wed 2027-09-15).
    assert not is_working_time(PROVISIONAL, at(2027, 6, 9, 10))
    assert not is_working_time(PROVISIONAL, at(2027, 9, 15, 10))
    # No make-up days: a Saturday of a provisional year is not worked.
    assert not is_working_time(PROVISIONAL, at(2027, 1, 30, 10))
    assert business_minutes_between(PROVISIONAL, at(2026, 12, 31, 10), at(2027, 1, 4, 10)) == 9 * 60


def test_a_deadline_is_provisional_when_it_reads_an_uncovered_year():
    assert is_provisional(PROVISIONAL, at(2026, 12, 30, 17), at(2027, 1, 5, 17))
    assert not is_provisional(PROVISIONAL, at(2026, 12, 1, 17), at(2026, 12, 4, 17))
    assert not is_provisional(PROVISIONAL, at(2026, 12, 1, 17), None)
    online = CalendarSpec(tz=SH, weekly={d: ((T(8), T(0)),) for d in range(7)})
    assert not is_provisional(online, at(2026, 12, 30, 17), at(2027, 1, 5, 17))


def test_calendar_without_holiday_data_covers_every_year():
    online = CalendarSpec(tz=SH, weekly={d: ((T(8), T(0)),) for d in range(7)})
    assert add_business_hours(online, at(2030, 1, 1, 23, 30), 1) == at(2030, 1, 2, 8, 30)


def test_pausing_across_a_weekend_costs_no_business_time():
    paused = business_minutes_between(BACK_OFFICE, at(2026, 11, 20, 17), at(2026, 11, 23, 10))
    assert paused == 120
    assert business_minutes_between(BACK_OFFICE, at(2026, 11, 21, 10), at(2026, 11, 22, 10)) == 0


def test_closures_are_not_working_time():
    spec = china(closures=((at(2026, 11, 23, 12), at(2026, 11, 24, 12)),))
    assert add_business_hours(spec, at(2026, 11, 23, 11), 2) == at(2026, 11, 24, 13)


def test_negative_durations_are_zero_and_results_are_in_the_calendar_zone():
    assert business_minutes_between(BACK_OFFICE, at(2026, 11, 23, 12), at(2026, 11, 23, 10)) == 0
    utc_start = dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC)  # 09:00 in Shanghai
    result = add_business_hours(BACK_OFFICE, utc_start, 1)
    assert result == at(2026, 11, 23, 10) and result.tzinfo == SH
    assert add_calendar_minutes(at(2026, 11, 21, 23), 120) == at(2026, 11, 22, 1)


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError):
        add_business_hours(BACK_OFFICE, dt.datetime(2026, 11, 23, 9), 1)


def test_weekly_problems_name_empty_weeks_and_overlaps():
    from helpdesk.business_time import weekly_problems

    assert weekly_problems({}) == ["no working time in the week"]
    assert weekly_problems({0: ((T(9), T(12)), (T(11), T(18)))})
    assert weekly_problems({6: ((T(22), T(6)),), 0: ((T(5), T(9)),)})  # Sunday night runs into Monday
    assert weekly_problems({0: ((T(9), T(12)), (T(13, 30), T(18)))}) == []
    assert weekly_problems({d: ((T(8), T(0)),) for d in range(7)}) == []


def test_statutory_holidays_by_rule_have_no_bridges_and_chinese_names():
    names = provisional_holiday_names(2028)
    assert names[dt.date(2028, 1, 25)] == "春节"  # 农历除夕
    assert names[dt.date(2028, 10, 3)] == "中秋节、国庆节"
    assert len(names) == 12  # 1 + 4 + 1 + 2 + 1 + 3 days: 中秋 falls on 国庆 that year
    assert dt.date(2028, 1, 3) not in names  # the library's in-lieu Monday is not a statutory holiday
