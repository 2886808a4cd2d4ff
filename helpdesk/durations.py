"""Humanised durations: the one wording of a length of time and of the time left before a deadline."""

from django.utils.translation import gettext, pgettext


def duration_text(seconds) -> str:
    """Return a length of time as "2小时11分" / "2 h 11 min" (days and hours from one day; "不到1分钟" under a minute)."""
    total = int(abs(seconds or 0))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        big, small = pgettext("duration", "%(n)d d") % {"n": days}, hours and pgettext("duration", "%(n)d h") % {"n": hours}
    elif hours or minutes:
        big = hours and pgettext("duration", "%(n)d h") % {"n": hours}
        small = minutes and pgettext("duration", "%(n)d min") % {"n": minutes}
    else:
        return pgettext("duration", "less than 1 min")
    if not big:
        return pgettext("duration alone", "%(n)d min") % {"n": minutes}
    if big and small:
        return pgettext("duration", "%(first)s %(second)s") % {"first": big, "second": small}
    return big or small


def time_left_text(seconds) -> str:
    """Return the time left before a deadline ("剩余 2小时11分"); a negative number is the time overdue ("已超时 …")."""
    text = duration_text(seconds)
    if seconds is not None and seconds < 0:
        return gettext("%(duration)s overdue") % {"duration": text}
    return gettext("%(duration)s left") % {"duration": text}


def duration_words() -> dict:
    """Return the translated pieces of a duration, for the live countdown script to write the same text."""
    return {
        "day": pgettext("duration", "%(n)d d"),
        "hour": pgettext("duration", "%(n)d h"),
        "minute": pgettext("duration", "%(n)d min"),
        "minuteAlone": pgettext("duration alone", "%(n)d min"),
        "underMinute": pgettext("duration", "less than 1 min"),
        "pair": pgettext("duration", "%(first)s %(second)s"),
        "left": gettext("%(duration)s left"),
        "overdue": gettext("%(duration)s overdue"),
    }
