"""Issue 10, item 3: tamper evidence that holds against someone who can write to the database (R-9.1, R-3.1).

Each test is one attack of the report: it succeeded against the unkeyed chain (`pakn audit verify` passed)
and must now be named by `pakn audit verify`.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from pakn.reports import services
from pakn.reports.audit import verify_all, verify_report
from pakn.reports.chain import legacy_hash, seal
from pakn.reports.checkpoints import checkpoint_create, document
from pakn.reports.models import AuditCheckpoint, Event, Report
from pakn.reports.workflow import ReporterActor
from tests.conftest import at
from tests.reports.conftest import Journey

ROW_FIELDS = [f.attname for f in Report._meta.concrete_fields if f.attname not in ("id",)]


@pytest.fixture
def journey(org: Any, submit: Any) -> Journey:
    return Journey(org, submit)


def verify_fails(*extra: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("audit", "verify", *extra, stdout=io.StringIO(), stderr=err)
    return str(info.value) + err.getvalue()


def verify_passes(*extra: str) -> None:
    out = io.StringIO()
    call_command("audit", "verify", *extra, stdout=out, stderr=io.StringIO())
    assert "toàn vẹn" in out.getvalue()


def row(report: Report) -> dict[str, Any]:
    return Report.objects.filter(pk=report.pk).values(*ROW_FIELDS)[0]


def test_truncated_timeline_with_head_rolled_back(journey, org):
    """The attacker removes the approval and the rating, and puts the report's row back exactly as it was
    before them (a consistent older state). Only an anchor outside the database can tell: the signed
    checkpoint recorded the longer timeline."""
    report = journey.awaiting_approval()
    before = row(report)
    cut = report.event_count
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-02 10:00"))
    services.report_rate(
        report=report,
        actor=ReporterActor(report.pk),
        rating="unsatisfied",
        note="Chưa xong.",
        now=at("2026-03-02 11:00"),
    )
    checkpoint_create(now=at("2026-03-02 17:05"))
    verify_passes()

    Event.objects.filter(report=report, seq__gt=cut).delete()
    Report.objects.filter(pk=report.pk).update(**before)

    message = verify_fails()
    assert report.tracking_code in message
    assert f"recorded {cut + 2} events; the timeline now ends at {cut} (truncated)" in message


def test_middle_event_rewritten_with_chain_recomputed(journey):
    """The attacker rewrites the assignment note and recomputes every later hash, both the old unkeyed way and
    with a guessed key: without the audit key no MAC matches."""
    report = journey.resolved()
    events = list(report.events.order_by("seq"))
    target = next(e for e in events if e.action == "assign")
    prev = target.prev_hash
    for e in events[target.seq - 1 :]:
        if e.pk == target.pk:
            e.note = "Đã phân công cho người khác."
        e.prev_hash = prev
        e.hash = prev = legacy_hash(e)
        e.save(update_fields=["note", "prev_hash", "hash"])
    Report.objects.filter(pk=report.pk).update(head_hash=prev)
    message = verify_fails()
    assert f"event #{target.pk} (seq {target.seq})" in message and "keyed hash (altered)" in message

    from django.test import override_settings

    with override_settings(PAKN_AUDIT_KEYS=["guessed-key-guessed-key-guessed-key-0000"]):
        prev = target.prev_hash
        for e in events[target.seq - 1 :]:
            e.prev_hash = prev
            prev = seal(e)
            e.save(update_fields=["prev_hash", "hash", "key_id"])
        Report.objects.filter(pk=report.pk).update(head_hash=prev)
    message = verify_fails()
    assert f"event #{target.pk} (seq {target.seq})" in message and "not configured" in message


def test_result_text_changed_outside_the_chain(journey):
    """The published result is rewritten directly in the database."""
    report = journey.resolved()
    Report.objects.filter(pk=report.pk).update(result_text="Đã xử lý triệt để, người dân rất hài lòng.")
    message = verify_fails()
    assert report.tracking_code in message and "changed outside the timeline: result_text" in message


def test_state_secret_mark_changed_outside_the_chain(journey):
    """A report is hidden from the public (and from the public figures) by setting the flag directly."""
    report = journey.resolved()
    Report.objects.filter(pk=report.pk).update(is_state_secret=True)
    message = verify_fails()
    assert "changed outside the timeline: is_state_secret" in message


@pytest.mark.parametrize(
    "change, field",
    [
        ({"is_abusive": True}, "is_abusive"),
        ({"category_id": F("category_id")}, None),
        ({"resolved_at": None}, "resolved_at"),
        ({"rating": "satisfied"}, "rating"),
    ],
    ids=["abusive", "untouched", "resolved_at", "rating"],
)
def test_marks_and_figures_changed_outside_the_chain(journey, change, field):
    """Anything the public or the statistics read is sealed by the head event."""
    report = journey.resolved()
    Report.objects.filter(pk=report.pk).update(**change)
    if field is None:
        verify_passes()
    else:
        assert f"changed outside the timeline: {field}" in verify_fails()


def test_category_and_agency_changed_outside_the_chain(journey, org):
    """Moving a case to another agency or category skews the rankings and the per-field figures."""
    from pakn.org.models import Category

    report = journey.resolved()
    other = Category.objects.exclude(pk=report.category_id).first()
    Report.objects.filter(pk=report.pk).update(category=other, agency=org.ioc)
    assert "changed outside the timeline: agency, category" in verify_fails()


# --- The checkpoints themselves ----------------------------------------------------------------------------


def test_checkpoints_deleted_from_the_database_are_caught_by_kept_copies(journey, org, tmp_path, settings):
    """The attacker also deletes the checkpoint rows; a copy kept outside (the published files) names them."""
    settings.PAKN_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    report = journey.awaiting_approval()
    before = row(report)
    cut = report.event_count
    checkpoint_create(now=at("2026-03-02 17:05"))
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-03 09:00"))
    checkpoint_create(now=at("2026-03-03 17:05"))
    verify_passes("--checkpoints", str(tmp_path))

    Event.objects.filter(report=report, seq__gt=cut).delete()
    Report.objects.filter(pk=report.pk).update(**before)
    AuditCheckpoint.objects.filter(number=2).delete()
    without_copies = [str(p) for p in verify_all()]
    assert all("truncated" not in p for p in without_copies)  # the last checkpoint is gone from the db
    message = verify_fails("--checkpoints", str(tmp_path))
    assert "checkpoint 2 is missing from the database (deleted)" in message
    assert "(truncated)" in message


def test_a_forged_or_altered_checkpoint_is_refused(journey, tmp_path):
    journey.resolved()
    checkpoint = checkpoint_create(now=at("2026-03-02 17:05"))
    body = json.loads(checkpoint.body)
    body["heads"] = []
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(body=json.dumps(body))
    assert "checkpoint 1: signature invalid" in verify_fails()


def test_a_middle_checkpoint_deleted_breaks_the_checkpoint_chain(journey):
    journey.resolved()
    for day in (2, 3, 4):
        checkpoint_create(now=at(f"2026-03-0{day} 17:05"))
    AuditCheckpoint.objects.filter(number=2).delete()
    assert "checkpoint 2 is missing (deleted)" in verify_fails()


def test_a_deleted_report_is_named_by_the_checkpoint(journey):
    report = journey.received()
    checkpoint_create(now=at("2026-03-02 17:05"))
    Event.objects.filter(report=report).delete()
    Report.objects.filter(pk=report.pk).delete()
    assert "no longer exists (deleted)" in verify_fails()


def test_checkpoints_publish_no_report_identity(journey, client):
    """A published checkpoint names reports only by an opaque label: not even a state secret's existence."""
    report = journey.resolved()
    checkpoint = checkpoint_create(now=at("2026-03-02 17:05"))
    text = json.dumps(document(checkpoint))
    assert report.tracking_code not in text and f'"{report.pk}"' not in text
    heads = json.loads(checkpoint.body)["heads"]
    assert [h[1:] for h in heads] == [[report.event_count, report.head_hash]]


# --- Keys: rotation keeps old chains verifiable -------------------------------------------------------------


def test_audit_key_rotation_keeps_old_events_verifiable_and_rekey_moves_them(journey, org, settings):
    old = settings.PAKN_AUDIT_KEYS[0]
    new = "new-audit-key-new-audit-key-new-audit-key"
    report = journey.in_progress()
    settings.PAKN_AUDIT_KEYS = [new, old]
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã xong.", now=at("2026-03-02 10:00")
    )
    assert verify_report(report) is None
    assert len(set(report.events.values_list("key_id", flat=True))) == 2
    call_command("audit", "rekey", stdout=io.StringIO())
    settings.PAKN_AUDIT_KEYS = [new]
    verify_passes()
    assert AuditCheckpoint.objects.filter(body__contains='"rekey":true').count() == 1


def test_rekey_refuses_to_launder_a_tampered_chain(journey):
    report = journey.resolved()
    Report.objects.filter(pk=report.pk).update(result_text="Sửa.")
    with pytest.raises(CommandError, match="refusing to re-seal"):
        call_command("audit", "rekey", stdout=io.StringIO())


def test_published_checkpoint_is_served_in_open_data(journey, client):
    journey.resolved()
    checkpoint = checkpoint_create(now=at("2026-03-02 17:05"))
    index = client.get("/du-lieu-mo/kiem-toan/")
    assert index.status_code == 200
    listed = index.json()["checkpoints"]
    assert [c["number"] for c in listed] == [1]
    one = client.get(listed[0]["url"])
    assert one.status_code == 200 and one.json() == document(checkpoint)
    pem = client.get("/du-lieu-mo/kiem-toan/khoa-cong-khai.pem")
    assert pem.status_code == 200 and pem.content.startswith(b"-----BEGIN PUBLIC KEY-----")
    import base64

    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    load_pem_public_key(pem.content).verify(  # type: ignore[union-attr, call-arg]
        base64.b64decode(checkpoint.signature), checkpoint.body.encode()
    )
