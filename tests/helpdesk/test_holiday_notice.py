"""The State Council's holiday notice read into holidays and make-up working days."""

import datetime as dt
from pathlib import Path

import pytest
from chinese_calendar import constants
from django.utils import translation

from helpdesk.holiday_notice import NoticeError, notice_parse

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("year", [2025, 2026])
def test_real_notice_gives_exactly_the_published_schedule(year):
    schedule = notice_parse((FIXTURES / f"notice_{year}.txt").read_text())
    assert schedule.year == year
    assert set(schedule.holidays) == {day for day in constants.holidays if day.year == year}
    assert set(schedule.workdays) == {day for day in constants.workdays if day.year == year}


def test_2026_notice_names_each_day_after_its_festival():
    schedule = notice_parse((FIXTURES / "notice_2026.txt").read_text())
    assert schedule.holidays[dt.date(2026, 1, 3)] == "元旦"
    assert schedule.workdays[dt.date(2026, 1, 4)] == "元旦调休"
    assert [day for day, name in schedule.holidays.items() if name == "春节"] == [
        dt.date(2026, 2, 15) + dt.timedelta(days=n) for n in range(9)]
    assert schedule.workdays[dt.date(2026, 2, 28)] == "春节调休"
    assert schedule.holidays[dt.date(2026, 9, 25)] == "中秋节"


def test_2025_notice_reads_a_single_day_a_range_across_months_and_a_joint_festival():
    schedule = notice_parse((FIXTURES / "notice_2025.txt").read_text())
    assert schedule.holidays[dt.date(2025, 1, 1)] == "元旦" and dt.date(2025, 1, 2) not in schedule.holidays
    assert {dt.date(2025, 5, 31), dt.date(2025, 6, 1), dt.date(2025, 6, 2)} <= set(schedule.holidays)
    assert schedule.holidays[dt.date(2025, 10, 8)] == "国庆节、中秋节"


def test_a_range_into_the_next_year_and_an_explicit_year():
    text = ("国务院办公厅关于2023年部分节假日安排的通知\n一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。\n"
            "二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。")
    schedule = notice_parse(text)
    assert set(schedule.holidays) >= {dt.date(2022, 12, 31), dt.date(2023, 1, 1), dt.date(2023, 1, 2)}
    assert set(schedule.workdays) == {dt.date(2023, 1, 28), dt.date(2023, 1, 29)}


@pytest.mark.parametrize("text, problem", [
    ("一、元旦：1月1日放假1天。", "title"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n节假日期间，各地区要妥善安排。", "No holiday items"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日放假1天。1月4日（周一）上班。", "Saturday or Sunday"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：2月30日放假1天。", "Not a date"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日至3日放假。1月2日（周六）上班。", "both"),
])
def test_text_that_is_not_a_readable_notice_is_refused_with_the_reason(text, problem):
    with translation.override("en"), pytest.raises(NoticeError, match=problem):
        notice_parse(text)
