"""Verification of the timeline's hash chain: finds the first event that was altered, removed or added."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pakn.reports.models import Event, Report
from pakn.reports.workflow import event_hash


@dataclass(frozen=True)
class BrokenLink:
    report_id: int
    tracking_code: str
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.event_id} (seq {self.seq})" if self.event_id else "end of chain"
        return f"report {self.tracking_code} (id {self.report_id}), {where}: {self.reason}"


def verify_report(report: Report) -> BrokenLink | None:
    """Recompute one report's chain; the first broken link, or None when the chain holds."""
    prev = ""
    expected_seq = 1
    last: Event | None = None
    for event in report.events.order_by("seq").iterator():

        def broken(reason: str, e: Event = event) -> BrokenLink:
            return BrokenLink(report.pk, report.tracking_code, e.seq, e.pk, reason)

        if event.seq != expected_seq:
            return broken(f"expected seq {expected_seq}: an event is missing")
        if event.prev_hash != prev:
            return broken("prev_hash does not match the previous event")
        if event_hash(event) != event.hash:
            return broken("content does not match its hash (altered)")
        prev = event.hash
        expected_seq += 1
        last = event
    if report.event_count != expected_seq - 1 or report.head_hash != prev:
        return BrokenLink(
            report.pk,
            report.tracking_code,
            last.seq if last else None,
            last.pk if last else None,
            "the report's head does not match its last event (events removed or added)",
        )
    return None


def verify_all() -> Iterator[BrokenLink]:
    for report in Report.objects.order_by("pk").iterator():
        link = verify_report(report)
        if link:
            yield link
