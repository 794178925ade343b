"""Who may act on a report: the transition table refuses everyone else, clearly, and changes nothing."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.utils import timezone

from pakn.org.models import User
from pakn.reports import services, workflow
from pakn.reports.actions import SPECS
from pakn.reports.models import State
from pakn.reports.workflow import SYSTEM, ActionRefused, InvalidTransition, ReporterActor, allowed_actions
from tests.conftest import at, make_user
from tests.reports.conftest import snapshot

# Vietnamese: the refusal names the action in its Vietnamese label and uses Vietnamese letters.
VIETNAMESE = re.compile(r"[ạảãàáâậầấẩẫăắằặẳẵêệềếểễôộồốổỗơớờợởỡưứừựửữđìíịỉĩòóọỏõùúụủũỳýỵỷỹ]")
LATER = at("2026-03-03 09:00")


def assert_refused(exc: type[Exception], report, call) -> str:
    """`call()` raises `exc` with a Vietnamese message and leaves the report as it was (R-3.1)."""
    before = snapshot(report)
    with pytest.raises(exc) as info:
        call()
    message = str(info.value)
    assert VIETNAMESE.search(message), message
    assert snapshot(report) == before
    return message


def test_an_officer_cannot_forward_a_report(org, journey):
    """R-7.2a: only the IOC desk (operator, leader) forwards; an officer, even one of the IOC, is refused."""
    report = journey.received()
    ioc_officer = make_user(org.ioc, User.Role.OFFICER)
    for officer in (org.officer, ioc_officer):
        message = assert_refused(
            ActionRefused,
            report,
            lambda o=officer: services.report_forward(report=report, actor=o, now=LATER),
        )
        assert "Chuyển xử lý" in message and "không có quyền" in message


def test_another_communes_leader_cannot_assign(org, journey):
    """R-7.3a: the leader of the commune holding the case assigns; a neighbouring commune's leader may not."""
    report = journey.routed()
    assert_refused(
        ActionRefused,
        report,
        lambda: services.report_assign(report=report, actor=org.other_leader, officer=org.officer, now=LATER),
    )


def test_an_officer_not_assigned_cannot_report_a_result(org, journey):
    """R-7.3a: the assigned officer (or the leader) reports the result, not a colleague."""
    report = journey.in_progress(officer=org.officer)
    assert_refused(
        ActionRefused,
        report,
        lambda: services.report_submit_result(
            report=report, actor=org.officer2, result_text="Xong.", now=LATER
        ),
    )
    services.report_submit_result(report=report, actor=org.officer, result_text="Xong.", now=LATER)
    assert report.state == State.AWAITING_APPROVAL


def test_a_department_that_was_not_asked_cannot_give_an_opinion(org, journey):
    """R-7.5: only a department whose opinion was asked answers, and only once."""
    report = journey.coordinating()
    services.report_request_opinions(
        report=report, actor=org.operator, departments=[org.departments[0]], question="Cho ý kiến.", now=LATER
    )

    def give(i: int):
        return lambda: services.report_give_opinion(report=report, actor=org.specialist(i), answer="Ý kiến.")

    assert_refused(ActionRefused, report, give(1))
    give(0)()
    assert_refused(ActionRefused, report, give(0))


def test_another_reporter_cannot_rate(org, journey):
    """R-8.3: the reporter (holding the report's secret) rates; the reporter of another report may not."""
    report = journey.resolved()
    other = journey.received()
    assert_refused(
        ActionRefused,
        report,
        lambda: services.report_rate(report=report, actor=ReporterActor(other.pk), rating="unsatisfied"),
    )
    services.report_rate(report=report, actor=ReporterActor(report.pk), rating="satisfied")
    assert report.rating == "satisfied"


def test_staff_cannot_act_as_the_reporter(org, journey):
    """R-8.1, R-8.3: replying and rating belong to the reporter, not to an official."""
    report = journey.resolved()
    for actor in (org.commune_leader, org.supervisor, SYSTEM):
        assert_refused(
            ActionRefused,
            report,
            lambda a=actor: services.report_rate(report=report, actor=a, rating="satisfied"),
        )
        assert_refused(
            ActionRefused, report, lambda a=actor: services.report_reply(report=report, actor=a, note="?")
        )


def test_an_inactive_user_cannot_act(org, journey):
    """R-3.1: an account that was deactivated (an official who left) can no longer act."""
    report = journey.received()
    operator = org.operator
    User.objects.filter(pk=operator.pk).update(is_active=False)
    operator.refresh_from_db()
    assert_refused(
        ActionRefused, report, lambda: services.report_forward(report=report, actor=operator, now=LATER)
    )
    assert allowed_actions(report, operator) == []


@pytest.mark.parametrize("who", ["operator", "ioc_leader", "commune_leader", "officer", "other_leader"])
def test_only_the_supervisor_can_take_over(org, journey, who):
    """R-4.4: the supervisor (Văn phòng UBND tỉnh) takes over a disputed case; nobody else may."""
    report = journey.routed()
    actor = getattr(org, who)
    assert_refused(
        ActionRefused,
        report,
        lambda: services.report_take_over(report=report, actor=actor, note="Chủ trì.", now=LATER),
    )
    services.report_take_over(report=report, actor=org.supervisor, note="Chủ trì.", now=LATER)
    assert report.state == State.COORDINATING and report.agency == org.supervisor_agency


def test_an_action_in_the_wrong_state_is_an_invalid_transition(org, journey):
    """R-4.2: the table names the states an action starts from; the message names the current state."""
    report = journey.received()
    message = assert_refused(
        InvalidTransition,
        report,
        lambda: services.report_assign(
            report=report, actor=org.commune_leader, officer=org.officer, now=LATER
        ),
    )
    assert "Chờ tiếp nhận" in message
    resolved = journey.resolved()
    assert_refused(
        InvalidTransition,
        resolved,
        lambda: services.report_forward(report=resolved, actor=org.operator, now=LATER),
    )
    assert_refused(
        InvalidTransition, report, lambda: workflow.apply(report, "no_such_action", actor=org.operator)
    )


def test_a_refused_action_is_refused_before_its_input_is_checked(org, journey):
    """An unauthorised actor learns nothing from validation: the refusal comes first."""
    report = journey.routed()
    assert_refused(
        ActionRefused,
        report,
        lambda: services.report_escalate(report=report, actor=org.officer, note="", now=LATER),
    )


# Redaction is open to whoever may mark (issue 10, item 4).
MARKS = {"mark_valuable", "mark_abusive", "mark_state_secret", "mark_complex", "bar_reporter"} | {
    "redact_text",
    "redact_photo",
}
CLOSED_MARKS = MARKS - {"mark_complex"}
ATTACH = {"attach_media"}  # the holding agency's staff and the assignee (issue 10, item 6)
PUBLISH = {"publish_media"}

# For a few states: what each role may do (allowed_actions), exactly.
ALLOWED = {
    "received": {
        # link_duplicate: the IOC desk closes a duplicate (issue 14, item 9); urge: the supervisor, on a case
        # another agency holds past its deadline (R-10.1; every step of March is overdue at the check)
        "operator": {"forward", "request_info", "reject", "link_duplicate"} | MARKS,
        "ioc_leader": {"forward", "request_info", "reject", "link_duplicate"} | MARKS,
        "supervisor": {"urge"} | MARKS,
        "commune_leader": set(),
        "officer": set(),
        "reporter": set(),
        "system": {"note_overdue"},
    },
    "routed": {
        "operator": {"link_duplicate"} | MARKS,  # the IOC may mark any report
        "supervisor": {"take_over", "urge"} | MARKS,
        "commune_leader": {"reject", "assign", "escalate", "link_duplicate"} | MARKS | ATTACH,
        "other_leader": set(),
        "officer": set(),
        "reporter": set(),
        "system": {"note_overdue"},
    },
    "in_progress": {
        "commune_leader": {"reassign", "escalate", "report_result"} | MARKS | ATTACH,
        "officer": {"report_result"} | ATTACH,
        "officer2": set(),
        "supervisor": {"take_over", "urge"} | MARKS,
        "reporter": set(),
    },
    "awaiting_approval": {
        "commune_leader": {"reassign", "escalate", "approve", "return_result"} | MARKS | ATTACH,
        "officer": ATTACH,
        "supervisor": {"take_over", "urge"} | MARKS,
    },
    "coordinating": {
        # The IOC consults departments and the province's leadership (Điều 7 khoản 5).
        "operator": {"request_opinions", "request_leadership_opinion", "publish_result"} | MARKS | ATTACH,
        "ioc_leader": {"request_opinions", "request_leadership_opinion", "publish_result"} | MARKS | ATTACH,
        "supervisor": {"take_over", "urge"} | MARKS,
        "commune_leader": set(),
        "specialist": set(),
        "system": {"note_overdue"},
    },
    "resolved": {
        "reporter": {"reply", "rate"},
        "other_reporter": set(),
        # clarify is offered only once the reporter asked for clarification (the spec's `ready`)
        "commune_leader": CLOSED_MARKS | ATTACH | PUBLISH,
        "officer": ATTACH,
        "supervisor": {"take_over"} | CLOSED_MARKS | PUBLISH,
        "operator": CLOSED_MARKS | PUBLISH,
        "system": set(),
    },
}


def _actor(org, report, who: str):
    if who == "reporter":
        return ReporterActor(report.pk)
    if who == "other_reporter":
        return ReporterActor(report.pk + 1000)
    if who == "system":
        return SYSTEM
    if who == "specialist":
        return org.specialist(0)
    return getattr(org, who)


@pytest.mark.parametrize(
    ("state", "who"), [(state, who) for state, roles in ALLOWED.items() for who in roles]
)
def test_allowed_actions_lists_exactly_what_each_role_may_do(org, journey, state, who):
    """R-4.2, R-3.1: the buttons shown (allowed_actions) are exactly the rows of the table for that actor."""
    report = getattr(journey, state)()
    assert report.state == state
    with time_machine.travel(at("2026-04-01 08:00"), tick=False):  # every step of March is overdue by then
        actions = {t.action for t in allowed_actions(report, _actor(org, report, who))}
    assert actions == ALLOWED[state][who]


def test_allowed_actions_agree_with_the_check(org, journey):
    """What allowed_actions offers passes `check`; what it leaves out is refused, or not ready yet (`ready`)."""
    for report in (journey.in_progress(), journey.resolved()):
        for actor in (org.commune_leader, org.officer, org.officer2, org.operator, org.supervisor):
            offered = {t.action for t in allowed_actions(report, actor)}
            for action, t in SPECS.items():
                if action in offered:
                    assert workflow.check(report, action, actor) is t
                elif report.state not in t.sources:
                    with pytest.raises(InvalidTransition):
                        workflow.check(report, action, actor)
                elif t.is_ready(report, timezone.now()):
                    with pytest.raises(ActionRefused):
                        workflow.check(report, action, actor)
