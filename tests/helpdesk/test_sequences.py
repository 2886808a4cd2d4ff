from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from helpdesk.sequences import daily_number, sequence_next


@pytest.mark.django_db
def test_sequence_counts_up_per_name():
    assert [sequence_next(name="a"), sequence_next(name="a"), sequence_next(name="b")] == [1, 2, 1]


@pytest.mark.django_db
def test_daily_number_uses_the_shanghai_date(time_machine):
    time_machine.move_to("2026-11-23T17:30:00+00:00")  # 01:30 on the 24th in Shanghai
    assert daily_number(prefix="T") == "T2611240001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_distinct_numbers():
    def take(_):
        try:
            return daily_number(prefix="C")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(take, range(50)))
    assert len(set(numbers)) == 50
