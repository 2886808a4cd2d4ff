"""django-helpdesk's rows set against ours: the ratio, its cell in the table, and the rows kept across runs."""

import json

from bench.cases import case_names
from bench.commands.rival import comparison_lines
from bench.report import results_table
from bench.results import result_row, results_record
from bench.rival import OURS, RIVAL_SHORT_THREAD, RIVAL_THREAD, rival_ratios_refresh

OUR_THREAD = OURS[RIVAL_THREAD]


def _row(case, median, *, data_size="1,000,000 tickets, 5,000,000 messages", module="tickets"):
    return result_row(case=case, module=module, median=median, p95=median * 1.5, queries=16, runs=50,
                      data_size=data_size, date="2026-12-01", machine="2 cores x86_64, PostgreSQL 18.1, Django 6.1.3")


def _rival(case, median):
    return _row(case, median, data_size="100,000 tickets, 500,000 follow-ups", module="rival")


def test_a_rival_row_is_set_against_our_case_and_shown_as_times_ours():
    rows = rival_ratios_refresh([_row(OUR_THREAD, 40.0), _rival(RIVAL_THREAD, 148.0), _rival(RIVAL_SHORT_THREAD, 46.0)])
    by_case = {row["case"]: row for row in rows}
    assert (by_case[RIVAL_THREAD]["floor"], by_case[RIVAL_THREAD]["ratio"]) == (OUR_THREAD, 3.7)
    assert by_case[RIVAL_SHORT_THREAD]["ratio"] is None and by_case[OUR_THREAD]["ratio"] is None
    assert f"| {RIVAL_THREAD} | 148.0 ms | 222.0 ms | 3.70 × ours | 16 |" in results_table(rows)


def test_without_our_case_a_rival_row_has_no_ratio():
    (row,) = rival_ratios_refresh([{**_rival(RIVAL_THREAD, 148.0), "floor": OUR_THREAD, "ratio": 3.7}])
    assert (row["floor"], row["ratio"]) == (None, None)
    assert "| — |" in results_table([row])


def test_the_ratio_follows_whichever_side_a_later_run_measured(tmp_path):
    path = tmp_path / "latest.json"
    results_record(path, [_row(OUR_THREAD, 40.0)], case_names())
    rows = results_record(path, [_rival(RIVAL_THREAD, 148.0)], case_names())
    assert {row["case"]: row["ratio"] for row in rows}[RIVAL_THREAD] == 3.7
    rows = results_record(path, [_row(OUR_THREAD, 20.0)], case_names())  # `make bench` again, ours faster
    assert {row["case"]: row["ratio"] for row in rows}[RIVAL_THREAD] == 7.4
    assert [row["case"] for row in json.loads(path.read_text())["cases"]] == [OUR_THREAD, RIVAL_THREAD]


def test_the_command_prints_both_medians_with_their_data_sizes_and_the_ratio():
    lines = comparison_lines([_row(OUR_THREAD, 39.5), _rival(RIVAL_THREAD, 148.0), _rival(RIVAL_SHORT_THREAD, 46.0)])
    assert lines == [f"{RIVAL_THREAD}: 148.0 ms (100,000 tickets, 500,000 follow-ups) ÷ ours 39.5 ms "
                     "(1,000,000 tickets, 5,000,000 messages) = 3.75"]
    assert comparison_lines([_rival(RIVAL_THREAD, 148.0)]) == [
        f"{RIVAL_THREAD}: no row of ours ('{OUR_THREAD}') to set it against"]
