"""Urging an overdue case, "Đôn đốc" (R-10.1, issue 14 item 12): who may urge whom and when, what is recorded
(an internal timeline entry with its note, nothing else changes) and who is told."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pakn.notify.models import Delivery, Kind, OutboxMessage
from pakn.reports import services
from pakn.reports.actions import allowed_actions
from pakn.reports.actors import ActionRefused, InvalidTransition
from pakn.reports.models import Event, Report
from pakn.reports.selectors import public_events
from tests.conftest import VALID, at
from tests.reports.conftest import snapshot

pytestmark = pytest.mark.django_db

MONTH_LATER = timedelta(days=30)


def _later(report: Report) -> datetime:
    report.refresh_from_db()
    assert report.updated_at is not None
    return report.updated_at + MONTH_LATER


def _recipients(event: Event) -> set[str]:
    message = OutboxMessage.objects.get(event=event, kind=Kind.URGED)
    return set(
        Delivery.objects.filter(outbox=message, channel="console").values_list("user__username", flat=True)
    )


def test_the_supervisor_urges_an_overdue_case_recorded_internally_and_the_leader_is_told(org, journey):
    """R-10.1: the supervisor urges the commune on a case overdue in its hands; the timeline keeps who urged,
    the note and the agency urged, staff only; the commune's leader and the officer handling it are notified,
    nobody else; the case's state, step and deadline do not move."""
    report = journey.in_progress()
    leader, officer, supervisor = org.commune_leader, org.officer, org.supervisor
    bystanders = (org.other_leader, org.operator, org.ioc_leader, org.officer2)
    now = _later(report)
    before = Report.objects.get(pk=report.pk)
    assert "urge" in [s.action for s in allowed_actions(report, supervisor, now=now)]

    event = services.report_act(
        action="urge", report=report, actor=supervisor, note="Đề nghị báo cáo trong hôm nay.", now=now
    )

    assert (event.action, event.visibility, event.actor) == ("urge", Event.Visibility.INTERNAL, supervisor)
    assert event.note == "Đề nghị báo cáo trong hôm nay."
    assert event.data["urged_agency"] == org.commune.pk and event.data["step"] == before.step
    after = Report.objects.get(pk=report.pk)
    assert (after.state, after.step, after.due_at, after.assignee_id) == (
        before.state,
        before.step,
        before.due_at,
        before.assignee_id,
    )
    assert "urge" not in [e.action for e in public_events(after)]
    assert _recipients(event) == {leader.username, officer.username}
    assert not {p.username for p in bystanders} & _recipients(event)
    message = OutboxMessage.objects.get(event=event, kind=Kind.URGED)
    assert message.context["from_agency"] == org.supervisor_agency.name
    assert message.context["note"] == "Đề nghị báo cáo trong hôm nay."


def test_a_case_within_its_deadline_cannot_be_urged(org, journey):
    """R-10.1: only what is overdue is urged; no button is offered and the service refuses."""
    report = journey.in_progress()
    now = report.updated_at + timedelta(minutes=5)
    assert "urge" not in [s.action for s in allowed_actions(report, org.supervisor, now=now)]
    before = snapshot(report)
    with pytest.raises(InvalidTransition):
        services.report_act(action="urge", report=report, actor=org.supervisor, now=now)
    assert snapshot(report) == before


@pytest.mark.parametrize("who", ["commune_leader", "officer", "operator", "ioc_leader", "other_leader"])
def test_only_who_oversees_the_holding_agency_may_urge(org, journey, who):
    """R-10.1: the agency itself, the IOC and another commune do not urge (theo Điều 10, 14 Quy chế)."""
    report = journey.in_progress()
    now = _later(report)
    actor = getattr(org, who)
    assert "urge" not in [s.action for s in allowed_actions(report, actor, now=now)]
    before = snapshot(report)
    with pytest.raises(ActionRefused):
        services.report_act(action="urge", report=report, actor=actor, now=now)
    assert snapshot(report) == before


def test_the_supervisor_urges_the_ioc_on_a_report_not_routed_in_time(org, journey):
    """R-10.2: a report left at the IOC past its hour: the supervisor urges the IOC's desk."""
    report = journey.received()
    desk = {org.operator.username, org.ioc_leader.username}
    event = services.report_act(action="urge", report=report, actor=org.supervisor, now=_later(report))
    assert _recipients(event) == desk


def test_the_supervisor_does_not_urge_its_own_case(org, journey):
    """A case the supervisor took over is its own to handle, not to urge."""
    report = journey.in_progress()
    services.report_take_over(
        report=report, actor=org.supervisor, note="Chủ trì.", now=report.updated_at + timedelta(minutes=5)
    )
    now = _later(report)
    assert "urge" not in [s.action for s in allowed_actions(report, org.supervisor, now=now)]
    with pytest.raises(ActionRefused):
        services.report_act(action="urge", report=report, actor=org.supervisor, now=now)


def test_a_district_leader_urges_its_commune_on_2022_data(org2022):
    """Theo Điều 14 Quy chế: the head of a district directs the communes under it; its officer does not."""
    org = org2022
    report = services.report_submit(
        category=org.category, area=org.commune_area, now=at("2026-03-02 08:00"), **VALID
    ).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:20"))
    now = at("2026-03-09 08:00")
    assert org.commune.parent == org.district
    leader = org.commune_leader
    assert "urge" not in [s.action for s in allowed_actions(report, org.district_officer, now=now)]
    assert "urge" in [s.action for s in allowed_actions(report, org.district_leader, now=now)]
    event = services.report_act(action="urge", report=report, actor=org.district_leader, now=now)
    assert _recipients(event) == {leader.username}
    assert OutboxMessage.objects.get(event=event).context["from_agency"] == org.district.name
