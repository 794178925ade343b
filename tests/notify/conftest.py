"""Fixtures of the notify tests: huey runs tasks at once, SMS go to memory, on-commit callbacks run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from pakn.notify import channels
from pakn.notify.models import Delivery, OutboxMessage
from pakn.org.models import User
from pakn.reports import services
from pakn.reports.models import Report
from tests.conftest import Org, at, make_user


@pytest.fixture(autouse=True)
def immediate_huey() -> Iterator[None]:
    """Tasks run when queued, whatever PAKN_REDIS_URL says (the crash tests start a real worker)."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture(autouse=True)
def test_push_services(settings: Any) -> None:
    """The fake push service of these tests listens on 127.0.0.1 over http; the names push.example and p
    stand for a push service (the real rules: tests/security/test_push_endpoints.py)."""
    settings.PAKN_PUSH_PRIVATE_HOSTS = True
    settings.PAKN_PUSH_SERVICES = [*settings.PAKN_PUSH_SERVICES, "127.0.0.1", "push.example", "p"]


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[dict[str, str]]]:
    channels.sms_outbox.clear()
    yield channels.sms_outbox
    channels.sms_outbox.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """`with commit(): service(...)` — run the on-commit callbacks (the delivery) as a real commit would."""

    def _commit() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return _commit


def recipients(message: OutboxMessage) -> dict[str, set[str]]:
    """Who gets this message, per channel: usernames, and 'reporter'."""
    found: dict[str, set[str]] = {}
    for d in Delivery.objects.filter(outbox=message).select_related("user"):
        found.setdefault(d.channel, set()).add("reporter" if d.to_reporter else d.user.username)
    return found


def kinds(report: Any) -> list[str]:
    return list(OutboxMessage.objects.filter(report=report).order_by("pk").values_list("kind", flat=True))


# --- The organisation with every person a message could wrongly reach -----------------------------------

Role = User.Role
_phones = iter(range(1, 10_000))


def staff(org: Org, key: str, agency: Any, role: str) -> User:
    """A member of staff with an e-mail address and a phone, so that every channel is possible."""
    if key not in org.people:
        n = next(_phones)
        org.people[key] = make_user(agency, role, email=f"{key}@example.vn", phone=f"0912{n:06d}")
    return org.people[key]


@pytest.fixture
def people(org: Org) -> dict[str, User]:
    """Everyone, created up front: a message must reach the right ones and nobody else."""
    d0, d1 = org.departments[0], org.departments[1]
    return {
        key: staff(org, key, agency, role)
        for key, agency, role in (
            ("operator", org.ioc, Role.OPERATOR),
            ("ioc_leader", org.ioc, Role.LEADER),
            ("supervisor", org.supervisor_agency, Role.SUPERVISOR),
            ("commune_leader", org.commune, Role.LEADER),
            ("officer", org.commune, Role.OFFICER),
            ("officer2", org.commune, Role.OFFICER),
            ("other_leader", org.other_commune, Role.LEADER),
            ("other_officer", org.other_commune, Role.OFFICER),
            ("specialist0", d0, Role.SPECIALIST),
            ("dept0_leader", d0, Role.LEADER),
            ("specialist1", d1, Role.SPECIALIST),
            ("dept1_leader", d1, Role.LEADER),
        )
    }


START = at("2026-03-02 08:00")  # a Monday


class Flow:
    """Brings a report to a state, each step ten minutes after the previous one (all within deadlines)."""

    def __init__(self, org: Org, submit: Any, people: dict[str, User]):
        self.org, self._submit, self.p = org, submit, people
        self.secret = ""

    @staticmethod
    def next(report: Report, minutes: int = 10) -> datetime:
        assert report.updated_at is not None
        return report.updated_at + timedelta(minutes=minutes)

    def received(self, **fields: Any) -> Report:
        submission = self._submit(now=START, reporter_email="an@example.com", **fields)
        self.secret = submission.secret
        report: Report = submission.report
        return report

    def awaiting_info(self) -> Report:
        r = self.received()
        services.report_request_info(
            report=r, actor=self.p["operator"], note="Vui lòng cho biết số nhà.", now=self.next(r)
        )
        return r

    def routed(self) -> Report:
        r = self.received()
        services.report_forward(report=r, actor=self.p["operator"], now=self.next(r))
        return r

    def in_progress(self) -> Report:
        r = self.routed()
        services.report_assign(
            report=r, actor=self.p["commune_leader"], officer=self.p["officer"], now=self.next(r)
        )
        return r

    def awaiting_approval(self) -> Report:
        r = self.in_progress()
        services.report_submit_result(
            report=r, actor=self.p["officer"], result_text="Đã vá ổ gà.", now=self.next(r)
        )
        return r

    def resolved(self) -> Report:
        r = self.awaiting_approval()
        services.report_approve(report=r, actor=self.p["commune_leader"], now=self.next(r))
        return r

    def coordinating(self) -> Report:
        r = self.routed()
        services.report_escalate(
            report=r, actor=self.p["commune_leader"], note="Vượt thẩm quyền của xã.", now=self.next(r)
        )
        return r


@pytest.fixture
def flow(org: Org, submit: Any, people: dict[str, User]) -> Flow:
    return Flow(org, submit, people)
