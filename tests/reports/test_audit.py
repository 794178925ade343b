"""R-9.1, R-3.1: `pakn audit verify` recomputes every timeline's hash chain and names the first broken event."""

from __future__ import annotations

import io
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pakn.reports import services
from pakn.reports.audit import verify_all, verify_report
from pakn.reports.models import Event, Report
from pakn.reports.workflow import ReporterActor
from tests.conftest import at


@pytest.fixture
def journeyed(org, journey) -> Report:
    """A report that went the whole way: submitted, routed, handled, approved, rated."""
    report = journey.resolved()
    services.report_rate(
        report=report, actor=ReporterActor(report.pk), rating="satisfied", now=at("2026-03-03 08:00")
    )
    return report


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as info:
        call_command("audit", "verify", stdout=io.StringIO(), stderr=io.StringIO())
    return str(info.value)


def test_verify_passes_on_a_clean_journey(journeyed, journey):
    """R-9.1: every event links to the previous one; the report's head matches its last event."""
    journey.awaiting_info()
    journey.coordinating()
    assert "toàn vẹn" in verify()
    assert verify_report(journeyed) is None and list(verify_all()) == []
    events = list(journeyed.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == "" and all(b.prev_hash == a.hash for a, b in pairwise(events))
    assert journeyed.head_hash == events[-1].hash


def test_an_altered_note_is_named(journeyed, journey):
    """R-9.1: changing one stored event (here its note) breaks the chain at that event."""
    journey.resolved()  # another, untouched report
    target = journeyed.events.get(action="assign")
    Event.objects.filter(pk=target.pk).update(note="Đã sửa sau khi ghi.")
    message = verify_fails()
    assert f"event #{target.pk} (seq {target.seq})" in message and "altered" in message
    assert journeyed.tracking_code in message
    assert len(list(verify_all())) == 1


@pytest.mark.parametrize(
    "change",
    [{"actor": None}, {"on_time": False}, {"action": "reject"}, {"data": {"officer": 0}}],
    ids=["actor", "on_time", "action", "data"],
)
def test_any_altered_field_is_detected(journeyed, change):
    target = journeyed.events.get(action="assign")
    Event.objects.filter(pk=target.pk).update(**change)
    link = verify_report(journeyed)
    assert link is not None and link.event_id == target.pk


def test_a_deleted_last_event_is_detected_by_the_head(journeyed):
    """R-9.1: the report's head hash and count no longer match its last event."""
    last = journeyed.events.order_by("-seq").first()
    Event.objects.filter(pk=last.pk).delete()
    message = verify_fails()
    assert "head does not match" in message and journeyed.tracking_code in message


def test_a_deleted_middle_event_is_detected_at_the_gap(journeyed):
    """R-9.1: the event after the gap has the wrong seq and the wrong previous hash."""
    middle = journeyed.events.get(seq=3)
    after = journeyed.events.get(seq=4)
    Event.objects.filter(pk=middle.pk).delete()
    message = verify_fails()
    assert f"event #{after.pk} (seq 4)" in message and "missing" in message


def test_rehashing_an_altered_event_breaks_the_link_to_the_next(journeyed):
    """Rehashing an altered event is not enough: the next event still holds the old hash."""
    from pakn.reports.workflow import event_hash

    target = journeyed.events.get(action="assign")
    target.note = "Đã sửa."
    target.hash = event_hash(target)
    target.save(update_fields=["note", "hash"])
    link = verify_report(journeyed)
    assert link is not None and link.seq == target.seq + 1 and "prev_hash" in link.reason
