"""The official working calendar shipped as data: pakn/workdays/data/lich-nghi-YYYY.csv, one file a year.

Each file lists, for one year, every day off that falls on Monday–Friday (`day_off`) and every Saturday or
Sunday that is worked (`working_day`), each with its name and the decision it comes from (the `basis`
column, the file's comments cite the decisions in full). For a year that has a file the working calendar
reads it and never the `holidays` package, so upgrading the package cannot move a deadline; an
administrator's overrides (the CalendarOverride table) still win over the file. `pakn calendar check`
compares the three (pakn.workdays.check).

A malformed file stops the program with ImproperlyConfigured naming the file and line: a calendar that is
silently half-read would be worse than none.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

__all__ = ["DATA_DIR", "OfficialYear", "official_file", "official_years", "read_official_year"]

DATA_DIR = Path(__file__).resolve().parent / "data"
_FILE_NAME = re.compile(r"^lich-nghi-(?P<year>[0-9]{4})\.csv$")
_COLUMNS = ["date", "kind", "name", "basis"]
DAY_OFF = "day_off"
WORKING_DAY = "working_day"


@dataclass(frozen=True)
class OfficialYear:
    """One year of the official calendar: its days off (Monday–Friday) and worked weekend days, named."""

    year: int
    days_off: dict[date, str] = field(default_factory=dict)
    working_days: dict[date, str] = field(default_factory=dict)
    basis: dict[date, str] = field(default_factory=dict)
    source: str = ""


def official_file(year: int) -> Path:
    return DATA_DIR / f"lich-nghi-{year}.csv"


def read_official_year(text: str, year: int, source: str = "") -> OfficialYear:
    """Parse one year's file (comment lines start with #); raise ImproperlyConfigured on any problem."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    if reader.fieldnames != _COLUMNS:
        raise ImproperlyConfigured(f"{source}: the header must be {','.join(_COLUMNS)}")
    result = OfficialYear(year=year, source=source)
    for number, row in enumerate(reader, start=2):
        where = f"{source}: row {number} ({row.get('date')})"
        try:
            day = date.fromisoformat(row["date"] or "")
        except ValueError:
            raise ImproperlyConfigured(f"{where}: the date must be written YYYY-MM-DD") from None
        if day.year != year:
            raise ImproperlyConfigured(f"{where}: the date is not in {year}")
        if day in result.days_off or day in result.working_days:
            raise ImproperlyConfigured(f"{where}: the date is listed twice")
        name, basis = (row["name"] or "").strip(), (row["basis"] or "").strip()
        if not name or not basis:
            raise ImproperlyConfigured(f"{where}: every day needs a name and the decision it comes from")
        if row["kind"] == DAY_OFF and day.weekday() < 5:
            result.days_off[day] = name
        elif row["kind"] == WORKING_DAY and day.weekday() >= 5:
            result.working_days[day] = name
        else:
            raise ImproperlyConfigured(
                f"{where}: kind must be {DAY_OFF} on Monday–Friday or {WORKING_DAY} on Saturday or Sunday"
            )
        result.basis[day] = basis
    return result


@lru_cache(maxsize=1)
def official_years() -> dict[int, OfficialYear]:
    """Every shipped year, read once per process (the files change only with a new release)."""
    years: dict[int, OfficialYear] = {}
    for path in sorted(DATA_DIR.glob("*.csv")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise ImproperlyConfigured(f"{path}: calendar files are named lich-nghi-YYYY.csv")
        year = int(match["year"])
        years[year] = read_official_year(
            path.read_text(encoding="utf-8"), year, f"pakn/workdays/data/{path.name}"
        )
    return years
