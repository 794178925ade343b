"""The apps' journeys through the API alone: a citizen submits and follows up; officials log in, see their
inbox and act on the case through every step to the published result (R-6.2, R-6.3, R-7, R-8)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from pakn.reports.audit import verify_all
from tests.api.conftest import API, jpeg, submission_form
from tests.conftest import PASSWORD


class App:
    """An official's app: logs in once, then sends its bearer token with every request."""

    def __init__(self, user: Any):
        self.client = Client()
        response = self.client.post(
            f"{API}/auth/token",
            {"username": user.username, "password": PASSWORD, "device_name": f"Điện thoại {user.username}"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(f"{API}{path}", params, **self.headers)
        assert response.status_code == 200, response.content
        return response.json()

    def inbox(self, tab: str = "mine") -> list[int]:
        return [c["id"] for c in self.get("/staff/inbox", tab=tab)["items"]]

    def act(self, case_id: int, action: str, **data: Any) -> dict[str, Any]:
        """Take an action offered in the case's allowed_actions, through the path the API gave."""
        case = self.get(f"/staff/cases/{case_id}")
        offered = {a["action"]: a["path"] for a in case["allowed_actions"]}
        assert action in offered, (action, sorted(offered))
        response = self.client.post(
            offered[action],
            {"version": case["version"], **data},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"{action}-{case_id}-{case['version']}-journey",
            **self.headers,
        )
        assert response.status_code == 200, response.content
        return response.json()


class Citizen:
    def __init__(self) -> None:
        self.client = Client()
        self.secret = ""

    def submit(self, **fields: Any) -> dict[str, Any]:
        response = self.client.post(
            f"{API}/reports",
            {**submission_form(**fields), "media": [jpeg("hien-truong.jpg")]},
            HTTP_IDEMPOTENCY_KEY="citizen-submission-0001",
        )
        assert response.status_code == 201, response.content
        self.secret = response.json()["secret"]
        return response.json()

    def post(self, path: str, data: dict[str, Any], *, form: bool = False) -> dict[str, Any]:
        extra = {} if form else {"content_type": "application/json"}
        response = self.client.post(f"{API}/my/report{path}", data, HTTP_X_REPORT_SECRET=self.secret, **extra)
        assert response.status_code in (200, 201), response.content
        return response.json()

    def mine(self) -> dict[str, Any]:
        return self.client.get(f"{API}/my/report", HTTP_X_REPORT_SECRET=self.secret).json()


def _case_id(app: App, tracking_code: str) -> int:
    found = app.get("/staff/inbox", q=tracking_code)["items"]
    assert len(found) == 1
    return int(found[0]["id"])


def test_a_commune_handles_a_report_from_the_app_to_the_published_result(
    org, django_capture_on_commit_callbacks
):
    """R-7.1 → R-7.2b → R-7.2a → R-7.3a (assign, result, return, result, approve) → R-8.1–8.3."""
    citizen = Citizen()
    submitted = citizen.submit(address_text="", latitude=None, longitude=None)
    operator, leader, officer = App(org.operator), App(org.commune_leader), App(org.officer)

    case_id = _case_id(operator, submitted["tracking_code"])
    assert case_id in operator.inbox()
    operator.act(case_id, "request_info", note="Vui lòng cho biết vị trí cụ thể.")
    assert citizen.mine()["allowed_actions"] == ["supplement"]
    citizen.post(
        "/supplement",
        {"note": "Trước số nhà 25 Trần Đăng Ninh", "latitude": 21.8537, "longitude": 106.7615},
        form=True,
    )

    assert case_id in operator.inbox()
    case = operator.act(case_id, "forward")
    assert case["state"] == "routed" and case["agency"]["id"] == org.commune.pk

    assert leader.inbox() == [case_id]
    with django_capture_on_commit_callbacks(execute=True):  # the notification is delivered on commit
        case = leader.act(case_id, "assign", officer=org.officer.pk)
    assert case["assignee"]["id"] == org.officer.pk

    assert officer.inbox() == [case_id]
    assert officer.get("/staff/notifications")["items"][0]["kind"] == "assigned"
    upload = officer.client.post(
        f"{API}/staff/cases/{case_id}/attachments", {"media": [jpeg("ket-qua.jpg")]}, **officer.headers
    )
    assert upload.status_code == 201
    officer.act(case_id, "report_result", result_text="Đã vá ổ gà.")
    leader.act(case_id, "return_result", note="Bổ sung ảnh sau khi vá.")
    officer.act(case_id, "report_result", result_text="Đã vá ổ gà, ảnh kèm theo.")
    case = leader.act(case_id, "approve")
    assert case["state"] == "resolved" and case["result_text"] == "Đã vá ổ gà, ảnh kèm theo."
    assert case_id in leader.inbox("done")

    public = Client().get(f"{API}/reports/{submitted['tracking_code']}").json()
    assert public["state"] == "resolved" and public["result_text"] == "Đã vá ổ gà, ảnh kèm theo."
    assert len(public["media"]) == 2  # the scene and the result, as EXIF-free public copies
    timeline = [(e["action"], e["note"]) for e in public["timeline"]]
    assert [a for a, _ in timeline] == [
        "submit",
        "request_info",
        "supplement",
        "forward",
        "assign",
        "report_result",
        "report_result",
        "approve",
    ]
    assert timeline[1] == ("request_info", "")  # a note to the reporter is not public

    citizen.post("/messages", {"text": "Bao giờ kẻ lại vạch sơn?"})
    assert leader.inbox() == [case_id]  # the clarification request waits for the commune
    leader.act(case_id, "clarify", note="Trong tuần sau.")
    rated = citizen.post("/rating", {"rating": "satisfied"})
    assert rated["rating"] == "satisfied" and rated["allowed_actions"] == ["reply"]
    assert list(verify_all()) == []


def test_the_province_coordinates_a_case_beyond_the_communes_authority(org):
    """R-7.3b → R-7.5: escalated to the province (2025 data), two departments' opinions, published."""
    citizen = Citizen()
    submitted = citizen.submit()
    operator, leader = App(org.operator), App(org.commune_leader)
    ioc_leader = App(org.ioc_leader)
    specialists = [App(org.specialist(0)), App(org.specialist(1))]

    case_id = _case_id(operator, submitted["tracking_code"])
    operator.act(case_id, "forward")
    case = leader.act(case_id, "escalate", note="Vượt thẩm quyền của phường.")
    assert case["state"] == "coordinating" and case["agency"]["code"] == "ioc"

    codes = [d.code for d in org.departments[:2]]
    case = operator.act(
        case_id, "request_opinions", departments=codes, question="Đề nghị cho ý kiến phương án."
    )
    assert [o["department"]["code"] for o in case["opinions"]] == codes
    for app in specialists:
        assert case_id in app.inbox()
        app.act(case_id, "give_opinion", answer="Thống nhất.")
    case = ioc_leader.get(f"/staff/cases/{case_id}")
    assert all(o["answered_at"] for o in case["opinions"])
    case = ioc_leader.act(case_id, "publish_result", result_text="Sở Xây dựng sửa mặt đường trong tuần.")
    assert case["state"] == "resolved"

    public = Client().get(f"{API}/reports/{submitted['tracking_code']}").json()
    assert public["result_text"] == "Sở Xây dựng sửa mặt đường trong tuần."
    assert "publish_result" in [e["action"] for e in public["timeline"]]
    assert list(verify_all()) == []
