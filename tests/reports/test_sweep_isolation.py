"""The sweep isolates each report (issue 12, R-7.2b, R-10.1): an unexpected error on one report is logged
without personal data and rolled back, and every other report is still swept."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pakn.reports import services, sweeps
from pakn.reports.listeners import add_event_listener, remove_event_listener
from pakn.reports.models import Event, Report, State
from tests.conftest import VALID, at

pytestmark = pytest.mark.django_db


def test_one_reports_error_is_logged_and_the_others_are_swept(org, submit, caplog):
    first = submit(now=at("2026-03-02 08:00")).report
    broken = submit(now=at("2026-03-02 08:01")).report
    last = submit(now=at("2026-03-02 08:02")).report
    for report in (first, broken, last):
        services.report_request_info(
            report=report, actor=org.operator, note="Bổ sung.", now=at("2026-03-02 08:10")
        )

    def fail_on_broken(event: Event, report: Report, *, context: Any = None) -> None:
        if report.pk == broken.pk:
            raise RuntimeError(f"boom for {report.reporter_phone} {report.reporter_name}")

    add_event_listener(fail_on_broken)
    try:
        with caplog.at_level(logging.ERROR, logger="pakn.reports.sweeps"):
            result = sweeps.deadlines_sweep(now=at("2026-03-02 09:30"))
    finally:
        remove_event_listener(fail_on_broken)

    assert (result.cancelled, result.failed) == (2, 1)
    states = dict(Report.objects.values_list("pk", "state"))
    assert states == {first.pk: State.CANCELLED, broken.pk: State.AWAITING_INFO, last.pk: State.CANCELLED}
    assert Report.objects.get(pk=broken.pk).event_count == 2  # its cancellation was rolled back whole
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    text = record.getMessage()
    assert f"report {broken.pk}" in text and "RuntimeError" in text and "cancel_expired" in text
    for personal in (VALID["reporter_phone"], VALID["reporter_phone"][1:], VALID["reporter_name"]):
        assert personal not in text

    # Next minute, once the cause is gone, the report is swept like the others.
    assert sweeps.deadlines_sweep(now=at("2026-03-02 09:31")).cancelled == 1
    assert Report.objects.get(pk=broken.pk).state == State.CANCELLED
