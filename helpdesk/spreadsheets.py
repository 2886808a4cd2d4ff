"""Cells for CSV and XLSX files people open in Excel or WPS: text that would run as a formula is kept as text.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
spreadsheet programs as a formula (CSV injection, OWASP). Every export writes its cells through
``cell_safe`` / ``row_safe``, so a customer called ``=HYPERLINK(…)`` shows as that text. Numbers,
dates and booleans are values, not text, and pass unchanged.
"""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"


def cell_safe(value):
    """Return the value, with a leading apostrophe if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return TEXT_PREFIX + value
    return value


def row_safe(row: Iterable) -> list:
    """Return a row with every cell passed through ``cell_safe``."""
    return [cell_safe(value) for value in row]
