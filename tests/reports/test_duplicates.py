"""Several people, one problem (issue 14, item 9): linking a duplicate to its original through the workflow
table (R-5.3, R-9.2) and «Tôi cũng gặp» (counted once per browser)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from pakn.reports import services
from pakn.reports.actions import allowed_actions
from pakn.reports.audit import verify_report
from pakn.reports.duplicates import me_too_add, me_too_count, me_too_given
from pakn.reports.models import Event, MeToo, Report, State
from pakn.reports.selectors import public_events
from pakn.reports.workflow import ActionRefused, InvalidTransition
from tests.conftest import at

START = at("2026-03-02 08:00")


@pytest.fixture
def pair(org, submit):
    """An original already forwarded to the commune, and a later report of the same problem."""
    original = submit(now=START).report
    services.report_forward(report=original, actor=org.operator, now=START + timedelta(minutes=10))
    duplicate = submit(now=START + timedelta(minutes=20), reporter_phone="0913 222 333").report
    return Report.objects.get(pk=original.pk), duplicate


def test_linking_closes_the_duplicate_with_its_reason_and_records_both_timelines(org, pair):
    """R-5.3, R-9.2: the duplicate is rejected as «trùng» naming the original; both public timelines say so,
    and both hash chains still verify."""
    original, duplicate = pair
    event = services.report_link_duplicate(
        report=duplicate,
        actor=org.operator,
        original=f" {original.tracking_code.lower().replace('-', '')} ",  # as typed
        note="Người gửi gọi điện báo trùng.",
        now=START + timedelta(minutes=30),
    )
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert duplicate.state == State.REJECTED and not duplicate.step
    assert original.tracking_code in duplicate.closed_reason
    assert (
        event.visibility == Event.Visibility.PUBLIC and event.on_time is True
    )  # triage done within the hour
    assert event.data["reason_code"] == "duplicate" and event.data["original"] == original.pk
    linked = Event.objects.get(report=original, action="duplicate_linked")
    assert linked.actor == org.operator and duplicate.tracking_code in linked.note
    assert original.state == State.ROUTED and original.event_count == 3
    assert [e.action for e in public_events(original)][-1] == "duplicate_linked"
    last = public_events(duplicate)[-1]
    assert last.action == "link_duplicate" and original.tracking_code in last.note
    assert "gọi điện" not in last.note and event.data["internal_note"] == "Người gửi gọi điện báo trùng."
    assert verify_report(original) is None and verify_report(duplicate) is None  # no broken link


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "Vui lòng nhập mã tra cứu"),
        ("PA-KHONG-CO", "Không tìm thấy"),
        ("self", "chính nó"),
        ("rejected", "từ chối"),
    ],
)
def test_an_original_must_exist_and_still_stand(org, pair, submit, code, message):
    """R-5.3: the original is given by its tracking code; not itself, not a rejected or cancelled report."""
    _original, duplicate = pair
    if code == "self":
        code = duplicate.tracking_code
    elif code == "rejected":
        gone = submit(now=START).report
        services.report_reject(
            report=gone, actor=org.operator, reason_code="complaint", now=START + timedelta(minutes=5)
        )
        code = gone.tracking_code
    with pytest.raises(ValidationError) as refused:
        services.report_link_duplicate(
            report=duplicate, actor=org.operator, original=code, now=START + timedelta(minutes=30)
        )
    assert message in str(refused.value)
    duplicate.refresh_from_db()
    assert duplicate.state == State.RECEIVED


def test_who_may_link_a_duplicate_is_the_table_s_answer(org, pair):
    """R-4.2: the IOC desk links what it checks; a commune links what it received; nobody takes the
    original's entry on its own."""
    original, duplicate = pair
    assert "link_duplicate" in {s.action for s in allowed_actions(duplicate, org.operator)}
    assert "link_duplicate" not in {s.action for s in allowed_actions(duplicate, org.commune_leader)}
    assert "link_duplicate" in {
        s.action for s in allowed_actions(original, org.commune_leader)
    }  # routed to it
    assert "link_duplicate" not in {s.action for s in allowed_actions(original, org.officer)}
    with pytest.raises(ActionRefused):
        services.report_link_duplicate(report=duplicate, actor=org.officer, original=original.tracking_code)
    for who in (org.operator, org.supervisor, org.commune_leader):
        assert "duplicate_linked" not in {s.action for s in allowed_actions(original, who)}
    from pakn.reports import workflow

    with pytest.raises((InvalidTransition, ActionRefused)):
        workflow.apply(original, "duplicate_linked", actor=org.operator)


def test_me_too_counts_once_per_browser(org, pair):
    """R-9.2: «Tôi cũng gặp» counts each browser once; nothing personal is stored (a keyed hash)."""
    original, _ = pair
    assert me_too_add(report=original, voter="browser-a") is True
    assert me_too_add(report=original, voter="browser-a") is False
    assert me_too_add(report=original, voter="browser-b") is True
    assert me_too_count(original) == 2
    assert me_too_given(original, "browser-a") and not me_too_given(original, "browser-c")
    assert not MeToo.objects.filter(voter__contains="browser").exists()


def test_me_too_is_refused_on_a_closed_duplicate(org, pair):
    original, duplicate = pair
    services.report_link_duplicate(
        report=duplicate,
        actor=org.operator,
        original=original.tracking_code,
        now=START + timedelta(minutes=30),
    )
    duplicate.refresh_from_db()
    with pytest.raises(ValidationError):
        me_too_add(report=duplicate, voter="browser-a")
    with pytest.raises(ValidationError):
        me_too_add(report=original, voter="")
