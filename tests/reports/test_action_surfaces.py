"""Every surface offers exactly the actions `allowed_actions(report, actor, now=…)` returns (R-4.2): the
console's case page (its action forms), the API's case (`allowed_actions` links), the portal's private page
(its forms) and the API's reporter view, across the states of Article 7, every role and two moments (within
the deadlines, and a month later when every step is overdue)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import resolve, reverse

from pakn.reports import services
from pakn.reports.actions import allowed_actions
from pakn.reports.models import Report, State
from pakn.reports.workflow import ReporterActor
from tests.api.conftest import API, bearer
from tests.conftest import Org, at
from tests.console.conftest import signed_in

START = at("2026-03-02 08:00")
STAFF = (
    "operator",
    "ioc_leader",
    "supervisor",
    "commune_leader",
    "officer",
    "officer2",
    "other_leader",
    "specialist",
)


def _later(report: Report) -> datetime:
    report.refresh_from_db()
    assert report.updated_at is not None
    return report.updated_at + timedelta(minutes=5)


def _states(org: Org, submit: Any) -> dict[str, tuple[Report, str]]:
    """A report in each state (and the sub-states that change what may be done), with its secret."""
    made: dict[str, tuple[Report, str]] = {}

    def new(name: str, *steps: Callable[[Report], Any]) -> None:
        sub = submit(now=START)
        for step in steps:
            step(sub.report)
        made[name] = (Report.objects.get(pk=sub.report.pk), sub.secret)

    op, leader = org.operator, org.commune_leader
    forward = lambda r: services.report_forward(report=r, actor=op, now=_later(r))  # noqa: E731
    assign = lambda r: services.report_assign(  # noqa: E731
        report=r, actor=leader, officer=org.officer, now=_later(r)
    )
    result = lambda r: services.report_submit_result(  # noqa: E731
        report=r, actor=org.officer, result_text="Đã xử lý.", now=_later(r)
    )
    approve = lambda r: services.report_approve(report=r, actor=leader, now=_later(r))  # noqa: E731
    escalate = lambda r: services.report_escalate(  # noqa: E731
        report=r, actor=leader, note="Vượt thẩm quyền.", now=_later(r)
    )
    new("received")
    new(
        "awaiting_info",
        lambda r: services.report_request_info(report=r, actor=op, note="Số nhà?", now=_later(r)),
    )
    new("routed", forward)
    new("in_progress", forward, assign)
    new("awaiting_approval", forward, assign, result)
    new("resolved", forward, assign, result, approve)
    new(
        "resolved_clarifying",
        forward,
        assign,
        result,
        approve,
        lambda r: services.report_reply(
            report=r, actor=ReporterActor(r.pk), note="Khi nào xong?", now=_later(r)
        ),
    )
    new(
        "resolved_rated",
        forward,
        assign,
        result,
        approve,
        lambda r: services.report_rate(
            report=r, actor=ReporterActor(r.pk), rating="satisfied", now=_later(r)
        ),
    )
    new("coordinating", forward, escalate)
    new(
        "coordinating_asked",
        forward,
        escalate,
        lambda r: services.report_request_opinions(
            report=r, actor=op, departments=[org.specialist(0).agency], question="Ý kiến?", now=_later(r)
        ),
    )
    new(
        "rejected",
        lambda r: services.report_reject(report=r, actor=op, reason_code="complaint", now=_later(r)),
    )
    return made


def _console_offers(client: Client, report: Report) -> set[str] | None:
    response = client.get(reverse("console:case", args=[report.pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return set(re.findall(r'<details class="c-action" id="action-([a-z_]+)"', response.content.decode()))


def _api_offers(client: Client, report: Report, headers: dict[str, str]) -> set[str] | None:
    response = client.get(f"{API}/staff/cases/{report.pk}", **headers)
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    offered = response.json()["allowed_actions"]
    for link in offered:  # each link leads to a registered endpoint of that case (JSON or multipart)
        assert link["path"].startswith(f"{API}/staff/cases/{report.pk}/")
        assert resolve(link["path"]).kwargs == {"case_id": str(report.pk)}
    return {a["action"] for a in offered}


PORTAL_FORMS = {"follow_up_supplement": "supplement", "follow_up_reply": "reply", "follow_up_rate": "rate"}


def _portal_offers(client: Client, secret: str) -> set[str]:
    response = client.get(reverse("portal:follow_up", args=[secret]))
    assert response.status_code == 200
    html = response.content.decode()
    found = set()
    for name, action in PORTAL_FORMS.items():
        if f'action="{reverse(f"portal:{name}", args=[secret])}"' in html:
            found.add(action)
    return found


@pytest.mark.parametrize("moment", ["within the deadlines", "a month later"])
def test_every_surface_offers_exactly_the_allowed_actions(org, submit, moment):
    """R-4.2, R-3.1: console case page, API case, portal page and the API's reporter view agree with the spec."""
    with time_machine.travel(START, tick=False):
        reports = _states(org, submit)
    users = {who: (org.specialist(0) if who == "specialist" else getattr(org, who)) for who in STAFF}
    checked = 0
    for name, (report, secret) in reports.items():
        now = _later(report) if moment == "within the deadlines" else at("2026-04-01 09:00")
        with time_machine.travel(now, tick=False):
            report = Report.objects.select_related("agency", "category").get(pk=report.pk)
            for who, user in users.items():
                expected = {s.action for s in allowed_actions(report, user, now=now)}
                console = _console_offers(signed_in(user), report)
                api = _api_offers(Client(), report, bearer(user))
                assert (console or set()) == expected, (name, who, "console")
                assert (api or set()) == expected, (name, who, "api")
                assert (console is None) == (api is None), (
                    name,
                    who,
                    "both surfaces see the case or neither",
                )
                checked += len(expected)
            reporter = {s.action for s in allowed_actions(report, ReporterActor(report.pk), now=now)}
            assert _portal_offers(Client(), secret) == reporter, (name, "portal")
            mine = Client().get(f"{API}/my/report", HTTP_X_REPORT_SECRET=secret)
            assert set(mine.json()["allowed_actions"]) == reporter, (name, "api reporter")
    assert checked > 50  # the matrix is not empty


def test_the_reporter_is_offered_the_supplement_only_within_its_hour(org, submit):
    """R-7.2b: after the hour the supplement is refused, so no surface offers it (readiness at `now`)."""
    with time_machine.travel(START, tick=False):
        sub = submit(now=START)
        services.report_request_info(report=sub.report, actor=org.operator, note="Số nhà?", now=START)
    report = Report.objects.get(pk=sub.report.pk)
    actor = ReporterActor(report.pk)
    assert [s.action for s in allowed_actions(report, actor, now=at("2026-03-02 08:59"))] == ["supplement"]
    assert allowed_actions(report, actor, now=at("2026-03-02 09:01")) == []
    with time_machine.travel(at("2026-03-02 09:01"), tick=False):
        assert _portal_offers(Client(), sub.secret) == set()
        assert (
            Client().get(f"{API}/my/report", HTTP_X_REPORT_SECRET=sub.secret).json()["allowed_actions"] == []
        )
    assert report.state == State.AWAITING_INFO
