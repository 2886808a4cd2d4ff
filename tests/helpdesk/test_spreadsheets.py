import datetime as dt

import pytest

from helpdesk.spreadsheets import cell_safe, row_safe


@pytest.mark.parametrize("text", ["=1+1", "+8613800138000", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                  '=HYPERLINK("http://evil.example","点我")'])
def test_text_a_spreadsheet_would_run_is_kept_as_text(text):
    assert cell_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["王芳", "13800138000", "a=b", " =1", "", None, -5, 3.5, True,
                                   dt.date(2026, 1, 1)])
def test_other_values_pass_unchanged(value):
    assert cell_safe(value) == value


def test_a_row_is_made_safe_cell_by_cell():
    assert row_safe(["=1", 2, "x"]) == ["'=1", 2, "x"]
