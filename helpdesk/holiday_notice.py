"""Read the State Council's holiday notice (国务院办公厅关于20XX年部分节假日安排的通知) into holidays and make-up days.

Each numbered item of the notice names a festival and gives its days off as a range or a single day
("1月1日（周四）至3日（周六）放假调休，共3天", "1月1日（周三）放假1天") and, in a sentence ending in 上班,
the make-up working days ("1月26日（周日）、2月8日（周六）上班"). Parenthesised weekdays and lunar dates
are ignored; a date may carry its own year ("2022年12月31日"), otherwise it is in the notice's year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

YEAR = re.compile(r"关于\s*(\d{4})\s*年[^。\n]*?节假日安排")
ITEM = re.compile(r"^\s*[一二三四五六七八九十]+\s*、\s*([^：:\n]+?)\s*[：:]\s*(.+)$", re.M)
PARENTHESES = re.compile(r"[（(][^）)]*[）)]")
DATE = re.compile(r"(?:(\d{4})\s*年)?\s*(?:(\d{1,2})\s*月)?\s*(\d{1,2})\s*日")


class NoticeError(ValueError):
    """The text is not a holiday notice this reader understands; the message says what is missing."""


@dataclass
class NoticeSchedule:
    """What a notice says for one year: days off and make-up working days, each with the festival's name."""

    year: int
    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)


def _dates(text: str, year: int) -> list[dt.date]:
    """Return the dates written in ``text``; a date without a month takes the previous date's month."""
    found, month, current_year = [], None, year
    for match in DATE.finditer(text):
        explicit_year, month_text, day_text = match.groups()
        if explicit_year:
            current_year = int(explicit_year)
        if month_text:
            month = int(month_text)
        if month is None:
            raise NoticeError(_("A date without a month: “%(text)s”.") % {"text": match.group(0)})
        try:
            found.append(dt.date(current_year, month, int(day_text)))
        except ValueError:
            raise NoticeError(_("Not a date: “%(text)s”.") % {"text": match.group(0)})
    return found


def _days_off(text: str, year: int) -> list[dt.date]:
    """Return the days off of an item's first clause: "A至B" is a range, otherwise each date listed."""
    if "至" in text:
        first_text, last_text = text.split("至", 1)
        first, match = _dates(first_text, year), DATE.search(last_text)
        if len(first) != 1 or match is None:
            raise NoticeError(_("Cannot read the range “%(text)s”.") % {"text": text})
        start = first[0]
        # "12月31日至1月2日" or "2月15日至23日": the end takes the start's month and year unless it names its own.
        end_year = int(match.group(1)) if match.group(1) else start.year
        end_month = int(match.group(2)) if match.group(2) else start.month
        try:
            end = dt.date(end_year, end_month, int(match.group(3)))
        except ValueError:
            raise NoticeError(_("Not a date: “%(text)s”.") % {"text": last_text})
        if end < start and not match.group(1):
            end = end.replace(year=end.year + 1)
        if (end - start).days > 31:
            raise NoticeError(_("The range “%(text)s” is longer than a month.") % {"text": text})
        return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return _dates(text, year)


def notice_parse(text: str) -> NoticeSchedule:
    """Return the schedule the notice text gives; raise ``NoticeError`` when it cannot be read."""
    text = text.replace("\u3000", " ").replace("\r\n", "\n")
    year_match = YEAR.search(text)
    if year_match is None:
        raise NoticeError(_("The title with the year (国务院办公厅关于20XX年部分节假日安排的通知) is missing."))
    schedule = NoticeSchedule(year=int(year_match.group(1)))
    for name_text, body in ITEM.findall(text):
        name = "、".join(part.strip() for part in re.split(r"[、，,]", name_text) if part.strip())
        body = PARENTHESES.sub("", body)
        sentences = [part for part in re.split(r"[。；;]", body) if part.strip()]
        off_clause = sentences[0].split("放假", 1)[0] if sentences and "放假" in sentences[0] else ""
        if not off_clause:
            raise NoticeError(_("No days off found for “%(name)s”.") % {"name": name})
        for day in _days_off(off_clause, schedule.year):
            schedule.holidays[day] = name
        for sentence in sentences[1:]:
            if "上班" in sentence:
                for day in _dates(sentence, schedule.year):
                    schedule.workdays[day] = f"{name}调休"
    if not schedule.holidays:
        raise NoticeError(_("No holiday items (一、元旦：…) found in the text."))
    clash = sorted(set(schedule.holidays) & set(schedule.workdays))
    if clash:
        raise NoticeError(_("%(date)s is both a day off and a working day.") % {"date": clash[0].isoformat()})
    weekdays = sorted(day for day in schedule.workdays if day.weekday() < 5)
    if weekdays:
        raise NoticeError(_("Make-up working day %(date)s is not a Saturday or Sunday.") % {"date": weekdays[0].isoformat()})
    return schedule
