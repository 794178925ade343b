"""The whole journey through the real surfaces, reused by the operations tests (logs, backup, any province):
a citizen submits on the portal with every personal field, the IOC forwards, the commune's leader assigns,
the officer reports the result, the leader approves, the reporter rates it on the private page; then every
notification is delivered. Staff act through the REST API with their own tokens (R-6.2, R-6.3, R-7, R-8)."""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from io import StringIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pakn.notify.models import Delivery
from pakn.org.models import Area, Category, User
from pakn.reports.models import Report
from tests.conftest import PASSWORD

API = "/api/v1"


@dataclass(frozen=True)
class Reporter:
    """A reporter whose every personal value is distinctive, so a search for it finds nothing else."""

    name: str = "Hoàng Thị Xuyến Nhật"
    phone: str = "0987 654 321"
    id_number: str = "038190012345"
    address: str = "Số 77 ngõ Quỳnh Lâm, tổ dân phố Bạch Đằng"
    email: str = "xuyen.nhat.thu@example.vn"

    def phone_forms(self) -> list[str]:
        """The phone in every way it may be written: as typed, local digits, E.164 with and without +."""
        local = re.sub(r"\D", "", self.phone)
        international = "84" + local[1:]
        return [self.phone, local, "+" + international, international, local[1:]]


@dataclass
class Outcome:
    tracking_code: str
    secret: str
    report_id: int


class StaffApp:
    """An official's app: logs in once through the API, then acts on cases the API offers."""

    def __init__(self, user: User):
        self.client = Client()
        response = self.client.post(
            f"{API}/auth/token",
            {"username": user.username, "password": PASSWORD, "device_name": "Điện thoại"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    def case_id(self, tracking_code: str) -> int:
        response = self.client.get(f"{API}/staff/inbox", {"q": tracking_code}, **self.headers)
        assert response.status_code == 200, response.content
        items = response.json()["items"]
        assert len(items) == 1, items
        return int(items[0]["id"])

    def act(self, case_id: int, action: str, **data: Any) -> dict[str, Any]:
        case = self.client.get(f"{API}/staff/cases/{case_id}", **self.headers).json()
        offered = {a["action"]: a["path"] for a in case["allowed_actions"]}
        assert action in offered, (action, sorted(offered))
        response = self.client.post(
            offered[action],
            {"version": case["version"], **data},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"{action}-{uuid.uuid4()}",
            **self.headers,
        )
        assert response.status_code == 200, response.content
        result: dict[str, Any] = response.json()
        return result


def jpeg(size: tuple[int, int] = (48, 32)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def portal_submit(
    *, area: Area, category: Category, reporter: Reporter = Reporter(), photo: bytes | None = None
) -> Outcome:
    """R-5.1, R-7.1: the portal form with every personal field, then the page that shows the secret link."""
    browser = Client()
    key = str(uuid.uuid4())
    form = {
        "submission_key": key,
        "category": str(category.pk),
        "content": "Cống thoát nước trước chợ bị tắc, nước tràn ra đường sau mưa.",
        "latitude": "21.0",
        "longitude": "105.5",
        "area": str(area.pk),
        "address_text": "Trước cổng chợ trung tâm",
        "reporter_kind": "person",
        "reporter_name": reporter.name,
        "reporter_phone": reporter.phone,
        "reporter_id_number": reporter.id_number,
        "reporter_address": reporter.address,
        "reporter_email": reporter.email,
        "declared_truthful": "on",
    }
    if photo is not None:
        form["attachments"] = SimpleUploadedFile("hien-truong.jpg", photo, content_type="image/jpeg")
    response = browser.post(reverse("portal:submit"), form)
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    page = browser.get(reverse("portal:sent", args=[key])).content.decode()
    secret = re.search(r"/theo-doi/([^/\"']+)/", page)
    assert secret is not None, page[:2000]
    report = Report.objects.latest("pk")
    return Outcome(tracking_code=report.tracking_code, secret=secret.group(1), report_id=report.pk)


def ioc_forward(outcome: Outcome, *, operator: User) -> None:
    """R-7.2a: the IOC forwards the report to the commune of its place."""
    ioc = StaffApp(operator)
    assert ioc.act(ioc.case_id(outcome.tracking_code), "forward")["state"] == "routed"


def commune_handle(outcome: Outcome, *, leader: User, officer: User) -> None:
    """R-7.3a: assigned, handled on site, approved."""
    commune, field = StaffApp(leader), StaffApp(officer)
    case_id = commune.case_id(outcome.tracking_code)
    commune.act(case_id, "assign", officer=officer.pk)
    field.act(case_id, "report_result", result_text="Đã nạo vét cống, nước đã thoát.")
    assert commune.act(case_id, "approve")["state"] == "resolved"


def staff_handle(outcome: Outcome, *, operator: User, leader: User, officer: User) -> None:
    """R-7.2a, R-7.3a: forwarded to the commune, assigned, handled, approved."""
    ioc_forward(outcome, operator=operator)
    commune_handle(outcome, leader=leader, officer=officer)


def reporter_rate(outcome: Outcome, rating: str = "satisfied") -> None:
    """R-8.3: the reporter rates the result on the private follow-up page."""
    response = Client().post(reverse("portal:follow_up_rate", args=[outcome.secret]), {"rating": rating})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Report.objects.get(pk=outcome.report_id).rating == rating


def deliver_all() -> dict[str, int]:
    """Deliver what is due now (as the worker's pump does) and count the deliveries by status."""
    call_command("notify_run", stdout=StringIO())
    counts: dict[str, int] = {}
    for status in Delivery.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def whole_journey(
    *, area: Area, category: Category, staff: dict[str, User], reporter: Reporter = Reporter()
) -> Outcome:
    outcome = portal_submit(area=area, category=category, reporter=reporter)
    staff_handle(outcome, operator=staff["operator"], leader=staff["leader"], officer=staff["officer"])
    reporter_rate(outcome)
    return outcome
