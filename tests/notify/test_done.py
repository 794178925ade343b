"""A notification about a case is done when the step it asked for is done (issue 14, item 7): the console's
count shows what still needs action, not every message ever received."""

from __future__ import annotations

from typing import Any

import time_machine

from pakn.notify.models import Kind, Notification, OutboxMessage
from pakn.notify.selectors import needs_action_count, unread_count
from pakn.notify.services import enqueue_delivery, notification_mark_read, notifications_mark_all_read
from pakn.reports import services
from tests.api.conftest import API, bearer
from tests.conftest import at
from tests.notify.conftest import Flow


def _one(user: Any, kind: str) -> Notification:
    return Notification.objects.get(user=user, kind=kind)


def test_routed_stays_to_do_when_read_and_is_done_once_assigned(flow: Flow, people, commit):
    leader, officer = people["commune_leader"], people["officer"]
    with commit():
        report = flow.routed()
    routed = _one(leader, Kind.ROUTED)
    assert routed.asks_action and routed.done_at is None
    notification_mark_read(user=leader, notification_id=routed.pk)  # reading is not assigning
    assert unread_count(leader) == 0 and needs_action_count(leader) == 1
    with commit():
        services.report_assign(report=report, actor=leader, officer=officer, now=flow.next(report))
    routed.refresh_from_db()
    assert routed.done_at is not None and needs_action_count(leader) == 0
    assert needs_action_count(officer) == 1  # now the officer's step: handle it


def test_the_iocs_new_report_is_done_for_the_whole_desk_once_one_forwards(flow: Flow, people, commit):
    second = people["ioc_leader"]  # the IOC's desk: its operators and leaders
    with commit():
        report = flow.received()
    assert needs_action_count(people["operator"]) == 1 and needs_action_count(second) == 1
    with commit():
        services.report_forward(report=report, actor=people["operator"], now=flow.next(report))
    assert needs_action_count(people["operator"]) == 0 and needs_action_count(second) == 0
    assert Notification.objects.filter(kind=Kind.NEW_REPORT, done_at__isnull=True).count() == 0


def test_an_officer_whose_case_is_reassigned_has_nothing_left_to_do(flow: Flow, people, commit):
    with commit():
        report = flow.in_progress()
    assert _one(people["officer"], Kind.ASSIGNED).done_at is None
    reassigned_at = flow.next(report)
    assert reassigned_at == at("2026-03-02 08:30")  # submitted 08:00, forwarded 08:10, assigned 08:20
    with commit():
        services.report_act(
            action="reassign",
            report=report,
            actor=people["commune_leader"],
            officer=people["officer2"],
            now=reassigned_at,
        )
    assert _one(people["officer"], Kind.ASSIGNED).done_at == reassigned_at
    assert _one(people["officer2"], Kind.ASSIGNED).done_at is None  # same step, now his


def test_a_case_leaving_the_agency_or_resolved_clears_its_notifications(flow: Flow, people, commit):
    """Escalated: the commune leader's «routed» is done; resolved: the approval and the officer's step."""
    delivered = at("2026-03-02 09:00")
    with time_machine.travel(delivered, tick=False), commit():
        escalated = flow.coordinating()
    # Forwarded 08:10 and escalated 08:20 in one transaction: the «routed» notification is delivered on
    # commit, after its step was done, so it is created done, at the delivery's clock.
    assert _one(people["commune_leader"], Kind.ROUTED).done_at == delivered
    with commit():
        report = flow.awaiting_approval()
    leader = people["commune_leader"]
    assert Notification.objects.filter(user=leader, kind=Kind.RESULT_SUBMITTED, done_at=None).count() == 1
    with commit():
        services.report_approve(report=report, actor=leader, now=flow.next(report))
    assert not Notification.objects.filter(report=report, done_at__isnull=True).exists()
    assert escalated.pk != report.pk


def test_an_opinion_request_is_done_when_that_department_answers(flow: Flow, people, org, commit):
    with commit():
        report = flow.coordinating()
        services.report_request_opinions(
            report=report,
            actor=people["operator"],
            departments=org.departments[:2],
            question="Đề nghị cho ý kiến.",
            now=flow.next(report),
        )
    d0, d1 = people["specialist0"], people["specialist1"]
    assert needs_action_count(d0) == 1 and needs_action_count(d1) == 1
    with commit():
        services.report_give_opinion(report=report, actor=d0, answer="Đồng ý.", now=flow.next(report))
    assert needs_action_count(d0) == 0 and needs_action_count(people["dept0_leader"]) == 0
    assert needs_action_count(d1) == 1  # the other department still owes its answer


def test_information_is_done_once_read_and_read_all_leaves_steps_to_do(flow: Flow, people, commit):
    leader = people["commune_leader"]
    with commit():
        report = flow.routed()
    info = Notification.objects.create(user=leader, kind=Kind.TAKEN_OVER, title="Văn phòng UBND tỉnh chủ trì")
    assert needs_action_count(leader) == 2
    assert notifications_mark_all_read(user=leader) == 2
    info.refresh_from_db()
    assert info.done_at is not None and needs_action_count(leader) == 1  # the case still waits for him
    assert _one(leader, Kind.ROUTED).report_id == report.pk


def test_a_notification_delivered_after_its_step_was_done_is_created_done(flow: Flow, people, commit):
    """A busy queue: the leader assigned before the «routed» message reached the console."""
    report = flow.routed()  # not committed: nothing delivered yet
    routed = OutboxMessage.objects.get(report=report, kind=Kind.ROUTED)
    assert routed.step == "assign" and not Notification.objects.filter(kind=Kind.ROUTED).exists()
    services.report_assign(
        report=report, actor=people["commune_leader"], officer=people["officer"], now=flow.next(report)
    )
    enqueue_delivery([routed.pk])
    late = _one(people["commune_leader"], Kind.ROUTED)
    assert late.done_at is not None and late.step == "assign"


def test_the_api_gives_the_count_of_what_needs_action(client, flow: Flow, people, commit):
    leader = people["commune_leader"]
    with commit():
        report = flow.routed()
    notification_mark_read(user=leader, notification_id=_one(leader, Kind.ROUTED).pk)
    body = client.get(f"{API}/staff/notifications", **bearer(leader)).json()
    assert (body["unread"], body["needs_action"]) == (0, 1)
    assert body["items"][0]["asks_action"] is True and body["items"][0]["done_at"] is None
    with commit():
        services.report_assign(report=report, actor=leader, officer=people["officer"], now=flow.next(report))
    body = client.get(f"{API}/staff/notifications", {"open": "true"}, **bearer(leader)).json()
    assert body["needs_action"] == 0 and body["items"] == []


def test_the_console_badge_and_tab_count_what_needs_action(client, flow: Flow, people, commit):
    leader = people["commune_leader"]
    with commit():
        report = flow.routed()
    notification_mark_read(user=leader, notification_id=_one(leader, Kind.ROUTED).pk)
    client.force_login(leader)
    html = client.get("/console/notifications/?loc=can-xu-ly").content.decode()
    assert 'data-needs-action="1"' in html and "data-open-total>1<" in html and "Cần xử lý" in html
    with commit():
        services.report_assign(report=report, actor=leader, officer=people["officer"], now=flow.next(report))
    html = client.get("/console/notifications/?loc=can-xu-ly").content.decode()
    assert "data-needs-action" not in html and "Không còn việc nào cần xử lý." in html
    assert "Đã xong" in client.get("/console/notifications/").content.decode()
