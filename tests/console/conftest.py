"""Fixtures of the console tests: cases brought to any state on either dataset, with planted personal data,
and clients signed in as any official."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from pakn.org.models import User
from pakn.reports import services
from pakn.reports.models import Report
from pakn.reports.services import report_submit
from tests.conftest import VALID, Org, at, make_user

# Personal data planted in every test report: no response to an unauthorised user may contain it.
PLANTED_NAME = "Trương Thị Kín Đáo"
PLANTED_PHONE = "0987 654 321"
PLANTED_PHONE_E164 = "+84987654321"
PLANTED_ID = "020199900123"
PLANTED = (PLANTED_NAME, PLANTED_PHONE_E164, "987654321", PLANTED_ID, "Số 99 ngõ Bí Mật")


class Cases:
    """Brings a new report of `org` to a state of the workflow, each step minutes after the previous one."""

    def __init__(self, org: Org):
        self.org = org

    def received(self, start: datetime | None = None, **fields: Any) -> Report:
        data = {
            **VALID,
            "category": self.org.category,
            "area": self.org.commune_area,
            "reporter_name": PLANTED_NAME,
            "reporter_phone": PLANTED_PHONE,
            "reporter_id_number": PLANTED_ID,
            "reporter_address": "Số 99 ngõ Bí Mật, phường Đông Kinh",
            **fields,
        }
        report: Report = report_submit(now=start or at("2026-03-02 08:00"), **data).report
        return report

    @staticmethod
    def _next(report: Report, minutes: int = 10) -> datetime:
        return report.updated_at + timedelta(minutes=minutes)

    def leader_of(self, report: Report) -> User:
        org = self.org
        if report.agency_id == org.commune.pk:
            return org.commune_leader
        if report.agency_id == org.other_commune.pk:
            return org.other_leader
        assert org.district is not None and report.agency_id == org.district.pk
        return org.district_leader

    def officer_of(self, report: Report) -> User:
        if report.agency_id == self.org.commune.pk:
            return self.org.officer
        return self.org.person(f"officer-{report.agency_id}", report.agency, User.Role.OFFICER)

    def routed(self, **kw: Any) -> Report:
        report = self.received(**kw)
        services.report_forward(report=report, actor=self.org.operator, now=self._next(report))
        return report

    def in_progress(self, **kw: Any) -> Report:
        report = self.routed(**kw)
        services.report_assign(
            report=report,
            actor=self.leader_of(report),
            officer=self.officer_of(report),
            now=self._next(report),
        )
        return report

    def awaiting_approval(self, **kw: Any) -> Report:
        report = self.in_progress(**kw)
        services.report_submit_result(
            report=report, actor=report.assignee, result_text="Đã xử lý xong.", now=self._next(report)
        )
        return report

    def resolved(self, **kw: Any) -> Report:
        report = self.awaiting_approval(**kw)
        services.report_approve(report=report, actor=self.leader_of(report), now=self._next(report))
        return report

    def coordinating(self, *, ask: bool = True, **kw: Any) -> Report:
        """Escalated up the chain to the province; department 0 asked for its opinion."""
        report = self.routed(**kw)
        services.report_escalate(
            report=report,
            actor=self.leader_of(report),
            note="Vượt thẩm quyền của xã.",
            now=self._next(report),
        )
        while not report.agency.is_province_level:
            leader = self.leader_of(report)
            services.report_escalate(
                report=report, actor=leader, note="Vượt thẩm quyền của huyện.", now=self._next(report)
            )
        if ask:
            services.report_request_opinions(
                report=report,
                actor=self.org.operator,
                departments=[self.org.departments[0]],
                question="Đề nghị cho ý kiến.",
                now=self._next(report),
            )
        return report


@pytest.fixture
def cases(org: Org) -> Cases:
    return Cases(org)


@pytest.fixture
def cases2022(org2022: Org) -> Cases:
    return Cases(org2022)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_user(org: Org) -> User:
    return make_user(org.ioc, User.Role.ADMIN)


def assert_no_personal_data(content: bytes | str) -> None:
    text = content.decode() if isinstance(content, bytes) else content
    for secret in PLANTED:
        assert secret not in text, f"personal data leaked: {secret!r}"
