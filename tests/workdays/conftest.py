"""Fixtures of the workdays tests."""

from __future__ import annotations

import pytest

from pakn.workdays.calendar import WorkCalendar, parse_duration

from .support import at, make_calendar


@pytest.fixture
def calendar() -> WorkCalendar:
    return make_calendar()


@pytest.fixture
def due(calendar):
    """due("2026-02-13T10:00", "1 working day") → the deadline as ISO text."""

    def compute(start: str, duration: str) -> str:
        return calendar.add(at(start), parse_duration(duration)).isoformat()

    return compute
