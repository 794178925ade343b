"""Fixtures of the reports tests: a report brought to any state of the workflow, and its snapshot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

import pytest

from pakn.reports import services
from pakn.reports.models import Event, Report
from tests.conftest import Org, at


class Snapshot(NamedTuple):
    state: str
    version: int
    event_count: int
    events: int


def snapshot(report: Report) -> Snapshot:
    """What a refused action must leave unchanged, read from the database."""
    fresh = Report.objects.get(pk=report.pk)
    return Snapshot(
        fresh.state, fresh.version, fresh.event_count, Event.objects.filter(report=report).count()
    )


def last_event(report: Report) -> Event:
    event = report.events.order_by("-seq").first()
    assert event is not None
    return event


class Journey:
    """Brings a new report to a state of the workflow, one working-day step after another.

    Every report starts on Monday 2 March 2026 at 08:00 unless told otherwise; each step is taken a few
    minutes after the previous one, well within its deadline.
    """

    def __init__(self, org: Org, submit: Any):
        self.org = org
        self._submit = submit

    def received(self, start: datetime | None = None, **fields: Any) -> Report:
        report: Report = self._submit(now=start or at("2026-03-02 08:00"), **fields).report
        return report

    @staticmethod
    def _next(report: Report, minutes: int = 10) -> datetime:
        assert report.updated_at is not None
        return report.updated_at + timedelta(minutes=minutes)

    def awaiting_info(self, **kw: Any) -> Report:
        report = self.received(**kw)
        services.report_request_info(
            report=report, actor=self.org.operator, note="Vui lòng bổ sung địa chỉ.", now=self._next(report)
        )
        return report

    def routed(self, **kw: Any) -> Report:
        report = self.received(**kw)
        services.report_forward(report=report, actor=self.org.operator, now=self._next(report))
        return report

    def in_progress(self, officer: Any = None, **kw: Any) -> Report:
        report = self.routed(**kw)
        services.report_assign(
            report=report,
            actor=self.org.commune_leader,
            officer=officer or self.org.officer,
            now=self._next(report),
        )
        return report

    def awaiting_approval(self, **kw: Any) -> Report:
        report = self.in_progress(**kw)
        services.report_submit_result(
            report=report, actor=report.assignee, result_text="Đã xử lý xong.", now=self._next(report)
        )
        return report

    def resolved(self, **kw: Any) -> Report:
        report = self.awaiting_approval(**kw)
        services.report_approve(report=report, actor=self.org.commune_leader, now=self._next(report))
        return report

    def coordinating(self, **kw: Any) -> Report:
        report = self.routed(**kw)
        services.report_escalate(
            report=report,
            actor=self.org.commune_leader,
            note="Vượt thẩm quyền của xã.",
            now=self._next(report),
        )
        return report


@pytest.fixture
def journey(org: Org, submit: Any) -> Journey:
    return Journey(org, submit)
