"""Spreadsheet exports: text that a spreadsheet would run as a formula is neutralised (issue 10, item 11).

A leader's explanation «=HYPERLINK("http://…","Bấm")» or «@SUM(…)», written into an xlsx or CSV file, became a
live formula in the supervisor's Excel (CSV/formula injection, OWASP). Every text cell of every export goes
through `neutralise_formula`: a text that starts with = + - @, a tab or a carriage return gets a leading
apostrophe, which Excel and LibreOffice show as text and never evaluate. Numbers and dates are untouched.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
