"""Every event of the procedure produces its notifications, to the right people only (R-7, R-8, R-10.1).

Everyone who could wrongly receive a message exists (the `people` fixture: the IOC, the supervisor, two
communes, two departments); each case takes one action and compares who got the message, on which channel,
with who should. Defaults: staff get the console and e-mail, plus SMS for the urgent kinds (routed,
escalated, overdue); the reporter gets SMS and e-mail. Web push is covered in test_channels.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from pakn.notify.deadlines import daily_digest_send, due_soon_scan
from pakn.notify.models import Kind, OutboxMessage
from pakn.reports import services, sweeps
from pakn.reports.models import Report
from pakn.reports.workflow import ReporterActor
from tests.conftest import at
from tests.notify.conftest import Flow, recipients

URGENT = {Kind.ROUTED, Kind.ESCALATED, Kind.OVERDUE}


def expected(
    kind: str, staff: set[str], people: dict[str, Any], *, reporter: bool = False
) -> dict[str, set[str]]:
    names = {people[k].username for k in staff}
    found: dict[str, set[str]] = {}
    if names:
        found["console"] = set(names)
        found["email"] = set(names)
        if kind in URGENT:
            found["sms"] = set(names)
    if reporter:
        found.setdefault("sms", set()).add("reporter")
        found.setdefault("email", set()).add("reporter")
    return found


@dataclass
class Case:
    kind: str
    staff: set[str]
    reporter: bool
    setup: Callable[[Flow], Report | None]
    act: Callable[[Flow, Any], Any]


def _minute() -> timedelta:
    return timedelta(minutes=1)


CASES: dict[str, Case] = {
    # the reporter is told the report arrived; the IOC desk has a new case to check within 1 hour.
    "submit → received": Case(Kind.RECEIVED, set(), True, lambda f: None, lambda f, r: f.received()),
    "submit → new report at the IOC": Case(
        Kind.NEW_REPORT, {"operator", "ioc_leader"}, False, lambda f: None, lambda f, r: f.received()
    ),
    # R-7.2b
    "request_info": Case(
        Kind.INFO_REQUESTED,
        set(),
        True,
        lambda f: f.received(),
        lambda f, r: services.report_request_info(
            report=r, actor=f.p["operator"], note="Số nhà?", now=f.next(r)
        ),
    ),
    "supplement": Case(
        Kind.SUPPLEMENTED,
        {"operator", "ioc_leader"},
        False,
        lambda f: f.awaiting_info(),
        lambda f, r: services.report_supplement(
            report=r, actor=ReporterActor(r.pk), note="Số 25.", now=f.next(r)
        ),
    ),
    "cancel_expired": Case(
        Kind.CANCELLED,
        set(),
        True,
        lambda f: f.awaiting_info(),
        lambda f, r: sweeps.deadlines_sweep(now=at("2026-03-02 09:30")),
    ),
    # R-7.2c
    "reject": Case(
        Kind.REJECTED,
        set(),
        True,
        lambda f: f.received(),
        lambda f, r: services.report_reject(
            report=r, actor=f.p["operator"], reason_code="complaint", now=f.next(r)
        ),
    ),
    # R-7.2a: the commune's leaders, not the other commune's, not the officers.
    "forward": Case(
        Kind.ROUTED,
        {"commune_leader"},
        False,
        lambda f: f.received(),
        lambda f, r: services.report_forward(report=r, actor=f.p["operator"], now=f.next(r)),
    ),
    # R-7.3a: only the officer assigned.
    "assign": Case(
        Kind.ASSIGNED,
        {"officer"},
        False,
        lambda f: f.routed(),
        lambda f, r: services.report_assign(
            report=r, actor=f.p["commune_leader"], officer=f.p["officer"], now=f.next(r)
        ),
    ),
    "reassign": Case(
        Kind.ASSIGNED,
        {"officer2"},
        False,
        lambda f: f.in_progress(),
        lambda f, r: services.report_act(
            action="reassign", report=r, actor=f.p["commune_leader"], officer=f.p["officer2"], now=f.next(r)
        ),
    ),
    "report_result": Case(
        Kind.RESULT_SUBMITTED,
        {"commune_leader"},
        False,
        lambda f: f.in_progress(),
        lambda f, r: services.report_submit_result(
            report=r, actor=f.p["officer"], result_text="Đã vá.", now=f.next(r)
        ),
    ),
    "return_result": Case(
        Kind.RESULT_RETURNED,
        {"officer"},
        False,
        lambda f: f.awaiting_approval(),
        lambda f, r: services.report_return(
            report=r, actor=f.p["commune_leader"], note="Thiếu ảnh.", now=f.next(r)
        ),
    ),
    # R-7.3a: the result is sent to the reporter.
    "approve": Case(
        Kind.RESULT_PUBLISHED,
        set(),
        True,
        lambda f: f.awaiting_approval(),
        lambda f, r: services.report_approve(report=r, actor=f.p["commune_leader"], now=f.next(r)),
    ),
    # R-7.3b (2025: commune → the IOC coordinates): the IOC desk, not the commune's leader who acted.
    "escalate": Case(
        Kind.ESCALATED,
        {"operator", "ioc_leader"},
        False,
        lambda f: f.routed(),
        lambda f, r: services.report_escalate(
            report=r, actor=f.p["commune_leader"], note="Vượt thẩm quyền.", now=f.next(r)
        ),
    ),
    # the specialists and the leader of the department asked, not the other department.
    "request_opinions": Case(
        Kind.OPINION_REQUESTED,
        {"specialist0", "dept0_leader"},
        False,
        lambda f: f.coordinating(),
        lambda f, r: services.report_request_opinions(
            report=r,
            actor=f.p["operator"],
            departments=[f.org.departments[0]],
            question="Ý kiến về phương án?",
            now=f.next(r),
        ),
    ),
    "give_opinion": Case(
        Kind.OPINION_GIVEN,
        {"operator", "ioc_leader"},
        False,
        lambda f: _asked(f),
        lambda f, r: services.report_give_opinion(
            report=r, actor=f.p["specialist0"], answer="Đồng ý.", now=f.next(r)
        ),
    ),
    "publish_result": Case(
        Kind.RESULT_PUBLISHED,
        set(),
        True,
        lambda f: f.coordinating(),
        lambda f, r: services.report_publish_result(
            report=r, actor=f.p["operator"], result_text="Đã xử lý.", now=f.next(r)
        ),
    ),
    # the commune that held the case learns that the province took it over.
    "take_over": Case(
        Kind.TAKEN_OVER,
        {"commune_leader"},
        False,
        lambda f: f.in_progress(),
        lambda f, r: services.report_take_over(
            report=r, actor=f.p["supervisor"], note="Chậm xử lý.", now=f.next(r)
        ),
    ),
    #
    "reply": Case(
        Kind.CLARIFICATION_REQUESTED,
        {"officer", "commune_leader"},
        False,
        lambda f: f.resolved(),
        lambda f, r: services.report_reply(
            report=r, actor=ReporterActor(r.pk), note="Chưa rõ khi nào xong?", now=f.next(r)
        ),
    ),
    "clarify": Case(
        Kind.CLARIFIED,
        set(),
        True,
        lambda f: _replied(f),
        lambda f, r: services.report_clarify(
            report=r, actor=f.p["officer"], note="Xong trong tuần.", now=f.next(r)
        ),
    ),
    # overdue → the officer, the leader, the supervisor.
    "note_overdue": Case(
        Kind.OVERDUE,
        {"officer", "commune_leader", "supervisor"},
        False,
        lambda f: f.in_progress(),
        lambda f, r: sweeps.deadlines_sweep(now=r.due_at + _minute()),
    ),
    # sets no time to clarify: the 1-working-day target reminds whoever must answer, not the supervisor.
    "note_overdue (clarification)": Case(
        Kind.OVERDUE,
        {"officer", "commune_leader"},
        False,
        lambda f: _replied(f),
        lambda f, r: sweeps.deadlines_sweep(now=r.due_at + _minute()),
    ),
}


def _asked(f: Flow) -> Report:
    r = f.coordinating()
    services.report_request_opinions(
        report=r, actor=f.p["operator"], departments=[f.org.departments[0]], question="?", now=f.next(r)
    )
    return r


def _replied(f: Flow) -> Report:
    r = f.resolved()
    services.report_reply(report=r, actor=ReporterActor(r.pk), note="Chưa rõ.", now=f.next(r))
    return r


@pytest.mark.parametrize("name", list(CASES))
def test_each_event_notifies_the_right_people_only(name, flow, people, commit, sms_outbox, mailoutbox):
    """R-7, R-8, R-10.1: the message of each event reaches exactly its recipients, on their channels."""
    case = CASES[name]
    report = case.setup(flow)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    with commit():
        case.act(flow, report)
    new = OutboxMessage.objects.exclude(pk__in=before).filter(kind=case.kind)
    assert new.count() == 1, f"{name}: expected one {case.kind} message, got {new.count()}"
    message = new.get()
    assert recipients(message) == expected(case.kind, case.staff, people, reporter=case.reporter)
    # Each was delivered: console rows, e-mails and SMS left, nothing pending.
    deliveries = message.deliveries.all()
    assert {d.status for d in deliveries} == {"sent"}
    assert len(mailoutbox) >= sum(d.channel == "email" for d in deliveries)
    assert {m["key"] for m in sms_outbox} >= {d.idempotency_key for d in deliveries if d.channel == "sms"}


def test_an_actor_is_not_told_what_he_did_himself(flow, people, commit):
    """A leader who assigns the case to himself gets no 'assigned to you' message."""
    report = flow.routed()
    with commit():
        services.report_assign(
            report=report,
            actor=people["commune_leader"],
            officer=people["commune_leader"],
            now=flow.next(report),
        )
    assert not OutboxMessage.objects.filter(
        kind=Kind.ASSIGNED, report=report, deliveries__isnull=False
    ).exists()


def test_escalation_to_a_district_reaches_its_leaders(org2022, commit):
    """R-7.4 (2022 data): commune → district; the district's leaders, not the IOC yet."""
    from pakn.org.models import User
    from tests.notify.conftest import staff

    leader = staff(org2022, "commune_leader", org2022.commune, User.Role.LEADER)
    district_leader = staff(org2022, "district_leader", org2022.district, User.Role.LEADER)
    operator = staff(org2022, "operator", org2022.ioc, User.Role.OPERATOR)
    from tests.conftest import VALID

    report = services.report_submit(
        now=at("2026-03-02 08:00"), category=org2022.category, area=org2022.commune_area, **VALID
    ).report
    services.report_forward(report=report, actor=operator, now=at("2026-03-02 08:10"))
    with commit():
        services.report_escalate(
            report=report, actor=leader, note="Vượt thẩm quyền.", now=at("2026-03-02 08:20")
        )
    got = recipients(OutboxMessage.objects.get(kind=Kind.ESCALATED, report=report))
    assert got == {k: {district_leader.username} for k in ("console", "email", "sms")}


def test_due_soon_warns_who_must_act_once_per_step(flow, people, commit):
    """A share (0.75) of the step's allowed time passed: the assigned officer is warned, once."""
    report = flow.in_progress()
    # Assigned Monday 08:20; handling takes 1 working day (R-7.3a): due Tuesday 08:20.
    assert (report.step_started_at, report.due_at) == (at("2026-03-02 08:20"), at("2026-03-03 08:20"))
    share_passed = report.step_started_at + (report.due_at - report.step_started_at) * 0.75
    assert due_soon_scan(now=share_passed - _minute()) == 0
    with commit():
        assert due_soon_scan(now=share_passed + _minute()) == 1
    assert due_soon_scan(now=share_passed + 2 * _minute()) == 0
    assert recipients(OutboxMessage.objects.get(kind=Kind.DUE_SOON, report=report)) == {
        "console": {people["officer"].username},
        "email": {people["officer"].username},
    }


def test_the_supervisor_gets_one_digest_a_day(flow, people, commit, settings):
    """R-10.1: the daily digest of overdue cases, from the configured hour, once per day."""
    settings.PAKN_NOTIFY_DIGEST_HOUR = 7
    report = flow.in_progress()
    sweeps.deadlines_sweep(now=at("2026-03-04 06:00"))
    assert daily_digest_send(now=at("2026-03-04 06:59")) is None
    with commit():
        message = daily_digest_send(now=at("2026-03-04 07:05"))
    assert message is not None
    assert daily_digest_send(now=at("2026-03-04 18:00")) is None
    assert message.context["count"] == 1
    assert message.context["items"][0]["code"] == report.tracking_code
    assert recipients(message) == {
        "console": {people["supervisor"].username},
        "email": {people["supervisor"].username},
    }
    assert daily_digest_send(now=at("2026-03-05 07:00")) is not None
