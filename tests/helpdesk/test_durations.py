"""Humanised durations and time left, in Chinese and English."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from helpdesk.durations import duration_text, time_left_text


@pytest.mark.parametrize(("seconds", "zh", "en"), [
    (0, "剩余 不到1分钟", "less than 1 min left"),
    (59, "剩余 不到1分钟", "less than 1 min left"),
    (61, "剩余 1分钟", "1 min left"),
    (2 * 3600 + 11 * 60 + 30, "剩余 2小时11分", "2 h 11 min left"),
    (3 * 3600, "剩余 3小时", "3 h left"),
    (86400 + 12 * 3600 + 59 * 60, "剩余 1天12小时", "1 d 12 h left"),
    (-(2 * 3600 + 11 * 60), "已超时 2小时11分", "2 h 11 min overdue"),
    (-(86400 + 11 * 3600), "已超时 1天11小时", "1 d 11 h overdue"),
])
def test_time_left_text_in_both_languages(seconds, zh, en):
    with translation.override("zh-hans"):
        assert time_left_text(seconds) == zh
    with translation.override("en"):
        assert time_left_text(seconds) == en


def test_duration_text_of_a_wait():
    with translation.override("zh-hans"):
        assert duration_text(308) == "5分钟"
    with translation.override("en"):
        assert duration_text(308) == "5 min"


def test_template_filters():
    due = timezone.now() + dt.timedelta(hours=2, minutes=11, seconds=30)
    template = Template("{% load durations %}{{ s|duration }}|{{ s|time_left }}|{{ due|time_left_until }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"s": -3700, "due": due})) == "1小时1分|已超时 1小时1分|剩余 2小时11分"
