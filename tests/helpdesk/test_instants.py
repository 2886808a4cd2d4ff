"""The date-time filters of the lists and the ticket page write what Django's date filter writes."""

import datetime as dt
import zoneinfo

import pytest
from django.template import engines
from django.utils import timezone

VALUES = [dt.datetime(2026, 1, 5, 3, 7, 9, 12, tzinfo=dt.UTC), dt.datetime(2026, 12, 31, 20, 59, tzinfo=dt.UTC),
          dt.datetime(999, 2, 3, 4, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), None, ""]
PAIRS = [("iso", "c"), ("day_time", "Y-m-d H:i"), ("month_day_time", "m-d H:i")]


@pytest.mark.parametrize(("ours", "django_format"), PAIRS)
def test_each_filter_writes_what_the_date_filter_writes(ours, django_format):
    ours_text = engines["django"].from_string("{% load instants %}{{ value|" + ours + " }}")
    django_text = engines["django"].from_string('{{ value|date:"' + django_format + '" }}')
    with timezone.override("Asia/Shanghai"):
        for value in VALUES:
            assert ours_text.render({"value": value}) == django_text.render({"value": value}), value
