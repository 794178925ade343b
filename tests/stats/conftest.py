"""A fixed data set for the statistics, built with the real services at explicit moments.

Every figure the tests check was computed by hand from this timeline (see docs/statistics.md for the
definitions). Calendar facts used (2026, office hours 07:30–11:30 and 13:30–17:00, 7.5 hours a day):
Monday 27 April is the observed Hùng Kings' day, Thursday 30 April and Friday 1 May are holidays, so one working
day after Wednesday 29 April 09:00 is Monday 4 May 09:00.

C1 = Phường Đông Kinh (org.commune), C2 = Phường Lương Văn Tri (org.other_commune), 2025 data (commune → IOC).
Categories: A = ve-sinh-moi-truong, B = an-toan-giao-thong, C = an-ninh-trat-tu.

| report | created | where | cat | channel | story |
|---|---|---|---|---|---|
| R11 | Tue 31 Mar 16:00 | C1 | A | app | resolved Wed 1 Apr 15:00, all in time; rated satisfied 2 Apr |
| R12 | Mon 2 Mar 08:00 | C1 | B | web | handle step late (1 h 40); resolved 3 Mar; rated acceptable 4 Mar |
| R13 | Tue 10 Mar 08:00 | C1 | A | web | resolved 10 Mar in time; marked state secret |
| R1 | Thu 2 Apr 08:00 | C1 | A | web | resolved 2 Apr 15:00 in time; rated satisfied; clarification answered late 6 Apr |
| R4 | Mon 6 Apr 08:00 | C2 | A | app | assign 1 h late, handle 1 working day late; resolved 8 Apr 11:00; rated unsatisfied |
| R5 | Tue 7 Apr 08:00 | C1 | B | web | the IOC forwards it 30 min late; resolved 7 Apr 10:30; rated acceptable |
| R6 | Thu 9 Apr 08:00 | C1→IOC | A | staff | escalated; department 1 answers 1 h late; published 13 Apr 09:00; rated satisfied |
| R7 | Fri 10 Apr 08:00 | C1 | C | app | rejected by the IOC (duplicate), marked abusive; no coordinates |
| R8 | Fri 10 Apr 09:00 | C1 | A | web | asked to supplement, not supplemented: cancelled by the sweep at 10:30 |
| R9 | Mon 20 Apr 08:00 | C1 | B | app | handle step due Tue 21 Apr 08:30, done Mon 4 May 09:00 (late); resolved 4 May |
| R2 | Wed 29 Apr 08:00 | C1 | B | app | handle due Mon 4 May 09:00 (across 30/4–1/5), done 08:45: in time; resolved 4 May |
| R3 | Wed 29 Apr 14:00 | C1 | A | web | handle due Mon 4 May 15:00, done 16:00: 1 working hour late; resolved 5 May |
| R10 | Wed 29 Apr 16:00 | C2 | C | web | assign due Mon 4 May 08:00, done 09:00; handle due Tue 5 May 09:00, not done |
| R14 | Wed 6 May 08:00 | C1 | C | app | routed to C1 at 08:10, never assigned (due 09:10) |

The tests look at the data from NOW = Friday 15 May 2026 10:00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from pakn.org.models import Category, User
from pakn.reports import services, sweeps
from pakn.reports.models import Report
from pakn.reports.workflow import ReporterActor
from tests.conftest import Org, at

NOW = at("2026-05-15 10:00")
C2_PLACE = {"latitude": 21.8420, "longitude": 106.7480, "address_text": "Đường Bà Triệu"}


@dataclass
class DataSet:
    org: Org
    r: dict[str, Report] = field(default_factory=dict)
    now: datetime = NOW

    @property
    def c1(self) -> Any:
        return self.org.commune

    @property
    def c2(self) -> Any:
        return self.org.other_commune

    def code(self, *names: str) -> set[str]:
        return {self.r[n].tracking_code for n in names}


class Builder:
    def __init__(self, org: Org, submit: Any):
        self.org = org
        self._submit = submit
        self.cat_a = org.category
        self.cat_b = Category.objects.get(code="an-toan-giao-thong")
        self.cat_c = Category.objects.get(code="an-ninh-trat-tu")
        self.c2_officer = org.person("c2_officer", org.other_commune, User.Role.OFFICER)

    def submit(self, when: str, category: Any, channel: str, *, c2: bool = False, **extra: Any) -> Report:
        fields: dict[str, Any] = {"category": category, "channel": channel, **extra}
        if c2:
            fields.update(C2_PLACE, area=self.org.other_commune.area)
        report: Report = self._submit(now=at(when), **fields).report
        return report

    def forward(self, r: Report, when: str) -> None:
        services.report_forward(report=r, actor=self.org.operator, now=at(when))

    def assign(self, r: Report, when: str, *, c2: bool = False) -> None:
        leader = self.org.other_leader if c2 else self.org.commune_leader
        officer = self.c2_officer if c2 else self.org.officer
        services.report_assign(report=r, actor=leader, officer=officer, now=at(when))

    def result(self, r: Report, when: str, *, c2: bool = False) -> None:
        officer = self.c2_officer if c2 else self.org.officer
        services.report_submit_result(report=r, actor=officer, result_text="Đã khắc phục xong.", now=at(when))

    def approve(self, r: Report, when: str, *, c2: bool = False) -> None:
        leader = self.org.other_leader if c2 else self.org.commune_leader
        services.report_approve(report=r, actor=leader, now=at(when))

    def rate(self, r: Report, when: str, rating: str) -> None:
        why = "Chưa khắc phục triệt để." if rating == "unsatisfied" else ""  # required for «unsatisfied»
        services.report_rate(report=r, actor=ReporterActor(r.pk), rating=rating, note=why, now=at(when))

    def handle(self, r: Report, times: tuple[str, str, str, str], *, c2: bool = False) -> None:
        """Forward, assign, report the result and approve, at these four moments."""
        self.forward(r, times[0])
        self.assign(r, times[1], c2=c2)
        self.result(r, times[2], c2=c2)
        self.approve(r, times[3], c2=c2)


def build(org: Org, submit: Any) -> DataSet:
    b = Builder(org, submit)
    d = DataSet(org)
    r = d.r
    A, B, C = b.cat_a, b.cat_b, b.cat_c

    # March (the previous period)
    r["R12"] = b.submit("2026-03-02 08:00", B, "web")
    b.handle(r["R12"], ("2026-03-02 08:10", "2026-03-02 08:20", "2026-03-03 10:00", "2026-03-03 11:00"))
    b.rate(r["R12"], "2026-03-04 08:00", "acceptable")
    r["R13"] = b.submit("2026-03-10 08:00", A, "web")
    b.handle(r["R13"], ("2026-03-10 08:10", "2026-03-10 08:20", "2026-03-10 10:00", "2026-03-10 11:00"))
    services.report_mark(report=r["R13"], actor=org.operator, mark="state_secret", now=at("2026-03-10 12:00"))
    r["R11"] = b.submit("2026-03-31 16:00", A, "app")
    b.handle(r["R11"], ("2026-03-31 16:20", "2026-04-01 07:45", "2026-04-01 14:00", "2026-04-01 15:00"))
    b.rate(r["R11"], "2026-04-02 09:00", "satisfied")

    # April (the main period)
    r["R1"] = b.submit("2026-04-02 08:00", A, "web")
    b.handle(r["R1"], ("2026-04-02 08:30", "2026-04-02 09:00", "2026-04-02 14:00", "2026-04-02 15:00"))
    b.rate(r["R1"], "2026-04-03 08:00", "satisfied")
    reporter = ReporterActor(r["R1"].pk)
    services.report_reply(
        report=r["R1"], actor=reporter, note="Khi nào xong hẳn?", now=at("2026-04-03 09:00")
    )
    services.report_clarify(
        report=r["R1"], actor=org.commune_leader, note="Trong tuần này.", now=at("2026-04-06 10:00")
    )

    r["R4"] = b.submit("2026-04-06 08:00", A, "app", c2=True)
    b.handle(
        r["R4"], ("2026-04-06 08:10", "2026-04-06 10:10", "2026-04-08 10:10", "2026-04-08 11:00"), c2=True
    )
    b.rate(r["R4"], "2026-04-09 08:00", "unsatisfied")

    r["R5"] = b.submit("2026-04-07 08:00", B, "web")
    b.handle(r["R5"], ("2026-04-07 09:30", "2026-04-07 09:40", "2026-04-07 10:00", "2026-04-07 10:30"))
    b.rate(r["R5"], "2026-04-07 14:00", "acceptable")

    r["R6"] = b.submit("2026-04-09 08:00", A, "staff")
    b.forward(r["R6"], "2026-04-09 08:15")
    services.report_escalate(
        report=r["R6"], actor=org.commune_leader, note="Vượt thẩm quyền.", now=at("2026-04-09 10:00")
    )
    d0, d1 = org.departments[0], org.departments[1]
    services.report_request_opinions(
        report=r["R6"],
        actor=org.operator,
        departments=[d0, d1],
        question="Xin ý kiến.",
        now=at("2026-04-09 11:00"),
    )
    services.report_give_opinion(
        report=r["R6"], actor=org.specialist(0), answer="Đồng ý.", now=at("2026-04-10 09:00")
    )
    services.report_give_opinion(
        report=r["R6"], actor=org.specialist(1), answer="Nhất trí.", now=at("2026-04-10 14:00")
    )
    services.report_publish_result(
        report=r["R6"], actor=org.ioc_leader, result_text="Đã phối hợp xử lý.", now=at("2026-04-13 09:00")
    )
    b.rate(r["R6"], "2026-04-13 15:00", "satisfied")

    r["R7"] = b.submit("2026-04-10 08:00", C, "app", latitude=None, longitude=None)
    services.report_reject(
        report=r["R7"], actor=org.operator, reason_code="duplicate", now=at("2026-04-10 08:20")
    )
    services.report_mark(report=r["R7"], actor=org.operator, mark="abusive", now=at("2026-04-10 08:25"))

    r["R8"] = b.submit("2026-04-10 09:00", A, "web")
    services.report_request_info(
        report=r["R8"], actor=org.operator, note="Bổ sung vị trí.", now=at("2026-04-10 09:10")
    )
    swept = sweeps.deadlines_sweep(now=at("2026-04-10 10:30"))
    assert swept.cancelled == 1 and swept.overdue == 0

    r["R9"] = b.submit("2026-04-20 08:00", B, "app")
    b.handle(r["R9"], ("2026-04-20 08:10", "2026-04-20 08:30", "2026-05-04 09:00", "2026-05-04 10:00"))

    r["R2"] = b.submit("2026-04-29 08:00", B, "app")
    b.handle(r["R2"], ("2026-04-29 08:20", "2026-04-29 09:00", "2026-05-04 08:45", "2026-05-04 10:00"))

    r["R3"] = b.submit("2026-04-29 14:00", A, "web")
    b.handle(r["R3"], ("2026-04-29 14:30", "2026-04-29 15:00", "2026-05-04 16:00", "2026-05-05 08:00"))

    r["R10"] = b.submit("2026-04-29 16:00", C, "web", c2=True)
    b.forward(r["R10"], "2026-04-29 16:30")
    b.assign(r["R10"], "2026-05-04 09:00", c2=True)

    # May (the running period)
    r["R14"] = b.submit("2026-05-06 08:00", C, "app")
    b.forward(r["R14"], "2026-05-06 08:10")
    for report in r.values():
        report.refresh_from_db()
    return d


@pytest.fixture
def dataset(org: Org, submit: Any) -> DataSet:
    return build(org, submit)
