"""Statutory holidays of mainland China by rule (法定节假日), for years the State Council has not published yet.

The rule (《全国年节及纪念日放假办法》) fixes which days are holidays: New Year's Day, Spring Festival
(New Year's Eve and the first three days of the lunar year), Qingming, Labour Day (two days), Dragon Boat,
Mid-Autumn and National Day (three days); the lunar dates come from the ``holidays`` package. What the rule
cannot know are the State Council's bridges and make-up working days (调休), so a year computed here is a
**provisional** schedule: weekends plus these days, with no make-up days.
"""

import datetime as dt
from functools import lru_cache

import holidays

STATUTORY_NAMES = frozenset({"元旦", "农历除夕", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})


@lru_cache(maxsize=64)
def provisional_holiday_names(year: int) -> dict[dt.date, str]:
    """Return the statutory holidays of ``year`` by rule, date → Chinese name (no bridges, no in-lieu days)."""
    days = holidays.China(years=year, observed=False, language="zh_CN")
    named = {}
    for day, name in sorted(days.items()):
        parts = [part.strip() for part in name.split(";")]
        kept = [part for part in parts if part in STATUTORY_NAMES]
        if kept:
            named[day] = "、".join("春节" if part == "农历除夕" else part for part in dict.fromkeys(kept))
    return named


def provisional_holidays(year: int) -> frozenset[dt.date]:
    """Return the statutory holidays of ``year`` by rule."""
    return frozenset(provisional_holiday_names(year))
