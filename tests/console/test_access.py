"""Every role against every console page and action: own agency, another agency, the agency above and below
(R-3.2, R-7, R-14.2). Refusals are 403 (visible but not allowed) or 404 (not visible), change nothing, and
never show the reporter's personal data."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pakn.org.models import User
from pakn.reports.models import Report
from tests.conftest import Org
from tests.console.conftest import PLANTED_NAME, Cases, assert_no_personal_data, signed_in

pytestmark = pytest.mark.django_db

PEOPLE = (
    "operator",
    "ioc_leader",
    "supervisor",
    "commune_leader",
    "officer",
    "officer2",
    "other_leader",
    "district_leader",
    "district_officer",
    "specialist0",
    "specialist1",
    "admin",
)


def person(org: Org, key: str) -> User:
    if key == "specialist0":
        return org.specialist(0)
    if key == "specialist1":
        return org.specialist(1)
    if key == "admin":
        return org.person("admin", org.ioc, User.Role.ADMIN)
    return getattr(org, key)


def snapshot(report: Report) -> tuple[str, int, int]:
    fresh = Report.objects.get(pk=report.pk)
    return fresh.state, fresh.version, fresh.event_count


# Who sees a case held by commune A (2022 data: commune A → district → IOC). The district is the agency above
# commune A, so for its leader commune A is "an agency below"; commune B is "another agency".
SEES_COMMUNE_CASE = {
    "operator": 200,
    "ioc_leader": 200,
    "supervisor": 200,
    "commune_leader": 200,
    "officer": 200,
    "officer2": 200,
    "other_leader": 404,
    "district_leader": 200,
    "district_officer": 404,
    "specialist0": 404,
    "specialist1": 404,
    "admin": 200,
}


@pytest.mark.parametrize("key", PEOPLE)
def test_case_page_is_shown_only_within_scope(org2022, cases2022: Cases, key):
    """R-14.2: a case held by commune A is visible to its agency, the agency above it and the province."""
    report = cases2022.in_progress()
    response = signed_in(person(org2022, key)).get(reverse("console:case", args=[report.pk]))
    assert response.status_code == SEES_COMMUNE_CASE[key]
    # The case page itself never carries personal data: it is revealed on request only.
    assert_no_personal_data(response.content)


MAY_SEE_PERSONAL = {
    "operator": 200,
    "ioc_leader": 200,
    "supervisor": 200,
    "commune_leader": 200,
    "officer": 200,  # the officer in charge
    "officer2": 403,  # same agency, not in charge
    "other_leader": 404,
    "district_leader": 403,  # the agency above sees the case, not the reporter
    "district_officer": 404,
    "specialist0": 404,
    "specialist1": 404,
    "admin": 403,
}


@pytest.mark.parametrize("key", PEOPLE)
def test_personal_data_is_revealed_only_to_those_who_need_it(org2022, cases2022: Cases, key):
    """R-3.2: only the roles that handle the case see the reporter; every view is recorded."""
    from pakn.reports.models import PersonalDataAccess

    report = cases2022.in_progress()
    user = person(org2022, key)
    response = signed_in(user).post(reverse("console:case_personal", args=[report.pk]))
    assert response.status_code == MAY_SEE_PERSONAL[key]
    views = PersonalDataAccess.objects.filter(user=user, report=report, kind=PersonalDataAccess.Kind.VIEW)
    if response.status_code == 200:
        assert PLANTED_NAME in response.content.decode()
        assert views.count() == 1
    else:
        assert_no_personal_data(response.content)
        assert not views.exists()


def test_department_asked_for_an_opinion_sees_the_case_without_personal_data(org2022, cases2022: Cases):
    """R-7.5, R-3.2: the department asked sees the case but never the reporter."""
    report = cases2022.coordinating()
    asked = signed_in(org2022.specialist(0))
    page = asked.get(reverse("console:case", args=[report.pk]))
    assert page.status_code == 200
    assert "Cho ý kiến" in page.content.decode()
    assert_no_personal_data(page.content)
    refused = asked.post(reverse("console:case_personal", args=[report.pk]))
    assert refused.status_code == 403
    assert_no_personal_data(refused.content)
    assert signed_in(org2022.specialist(1)).get(reverse("console:case", args=[report.pk])).status_code == 404


# (state the case is brought to, action, POST data, {person: expected status}); 302 = done.
ACTIONS: list[tuple[str, str, dict[str, Any], dict[str, int]]] = [
    (
        "received",
        "forward",
        {},
        {
            "operator": 302,
            "ioc_leader": 302,
            "supervisor": 403,
            "commune_leader": 404,
            "officer": 404,
            "district_leader": 404,
            "admin": 403,
            "specialist0": 404,
        },
    ),
    (
        "received",
        "request_info",
        {"request_info-note": "Bổ sung vị trí."},
        {"operator": 302, "supervisor": 403, "commune_leader": 404, "admin": 403},
    ),
    (
        "routed",
        "assign",
        {},
        {
            "commune_leader": 302,
            "officer": 403,
            "other_leader": 404,
            "district_leader": 403,
            "operator": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    (
        "routed",
        "escalate",
        {"escalate-note": "Vượt thẩm quyền."},
        {"commune_leader": 302, "officer": 403, "district_leader": 403, "operator": 403, "other_leader": 404},
    ),
    (
        "routed",
        "reject",
        {"reject-reason_code": "duplicate"},
        {"commune_leader": 302, "operator": 403, "officer": 403, "district_leader": 403},
    ),
    (
        "in_progress",
        "report_result",
        {"report_result-result_text": "Đã khắc phục."},
        {
            "officer": 302,
            "officer2": 403,
            "commune_leader": 302,
            "district_leader": 403,
            "district_officer": 404,
            "operator": 403,
        },
    ),
    (
        "in_progress",
        "reassign",
        {},
        {"commune_leader": 302, "officer": 403, "district_leader": 403, "supervisor": 403},
    ),
    (
        "awaiting_approval",
        "approve",
        {"approve-result_text": "Đã khắc phục xong."},
        {"commune_leader": 302, "officer": 403, "district_leader": 403, "operator": 403, "other_leader": 404},
    ),
    (
        "awaiting_approval",
        "return_result",
        {"return_result-note": "Bổ sung ảnh."},
        {"commune_leader": 302, "officer": 403, "district_leader": 403},
    ),
    (
        "coordinating",
        "give_opinion",
        {"give_opinion-answer": "Đồng ý phương án."},
        {"specialist0": 302, "specialist1": 404, "operator": 403, "commune_leader": 403, "supervisor": 403},
    ),
    (
        "coordinating",
        "publish_result",
        {"publish_result-result_text": "Đã thống nhất xử lý."},
        {
            "operator": 302,
            "ioc_leader": 302,
            "supervisor": 403,
            "commune_leader": 403,
            "district_leader": 403,
            "specialist0": 403,
            "admin": 403,
        },
    ),
    (
        "coordinating",
        "take_over",
        {"take_over-note": "Các cơ quan chưa thống nhất."},
        {"supervisor": 302, "operator": 403, "ioc_leader": 403, "district_leader": 403},
    ),
    (
        "resolved",
        "clarify",
        {"clarify-note": "Xin trả lời."},
        # The leader may clarify, but only once the reporter asked: refused beside the form.
        {"commune_leader": 400, "officer": 400, "operator": 403, "district_leader": 403, "other_leader": 404},
    ),
    (
        "routed",
        "mark_valuable",
        {},
        {
            "commune_leader": 302,
            "operator": 302,
            "supervisor": 302,
            "officer": 403,
            "district_leader": 403,
            "other_leader": 404,
            "admin": 403,
        },
    ),
]


def _data(org: Org, report: Report, action: str, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if action == "forward":
        data["forward-agency"] = org.commune.pk
    if action in ("assign", "reassign"):
        data[f"{action}-officer"] = org.officer2.pk
    return data


@pytest.mark.parametrize(
    ("state", "action", "data", "expected"), ACTIONS, ids=[f"{a[0]}-{a[1]}" for a in ACTIONS]
)
def test_actions_are_allowed_or_refused_as_the_workflow_says(
    org2022, cases2022: Cases, state, action, data, expected
):
    """R-7: each action only for the roles and agencies of the transition table; refusals change nothing."""
    for key, status in expected.items():
        report = getattr(cases2022, state)()
        user = person(org2022, key)
        before = snapshot(report)
        response = signed_in(user).post(
            reverse("console:case_action", args=[report.pk, action]), _data(org2022, report, action, data)
        )
        assert response.status_code == status, (key, response.content.decode()[:2000])
        if status == 302:
            assert snapshot(report) != before
        elif status == 400:
            assert "chưa đề nghị làm rõ" in response.content.decode()
            assert snapshot(report) == before
        else:
            assert snapshot(report) == before
            assert_no_personal_data(response.content)


def test_an_unknown_action_is_404(org2022, cases2022: Cases):
    report = cases2022.received()
    response = signed_in(org2022.operator).post(reverse("console:case_action", args=[report.pk, "explode"]))
    assert response.status_code == 404


def test_a_system_action_cannot_be_taken_from_the_console(org2022, cases2022: Cases):
    """Sweeps (cancel_expired, note_overdue) and the reporter's actions have no console form."""
    report = cases2022.received()
    for action in ("note_overdue", "cancel_expired", "rate", "supplement", "reply"):
        response = signed_in(org2022.supervisor).post(
            reverse("console:case_action", args=[report.pk, action])
        )
        assert response.status_code == 404


PAGES = {
    "console:inbox": {key: 200 for key in PEOPLE},
    "console:overdue": {
        **{key: 200 for key in ("operator", "ioc_leader", "supervisor", "commune_leader", "district_leader")},
        **{key: 403 for key in ("officer", "specialist0", "admin")},
    },
    "console:staff": {
        **{key: 200 for key in ("commune_leader", "district_leader", "ioc_leader")},
        **{key: 403 for key in ("operator", "officer", "supervisor", "specialist0", "admin")},
    },
    "console:accounts_import": {
        "admin": 200,
        **{key: 403 for key in ("operator", "ioc_leader", "supervisor", "commune_leader", "officer")},
    },
    "console:account": {key: 200 for key in PEOPLE},
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_by_role(org2022, cases2022: Cases, page):
    cases2022.in_progress()
    for key, status in PAGES[page].items():
        response = signed_in(person(org2022, key)).get(reverse(page))
        assert response.status_code == status, (page, key)
        assert_no_personal_data(response.content)


def test_pages_need_a_signed_in_official(org2022, cases2022: Cases, client):
    report = cases2022.in_progress()
    for url in (
        reverse("console:inbox"),
        reverse("console:case", args=[report.pk]),
        reverse("console:overdue"),
        reverse("console:help"),
        "/console/stats/",
        "/console/notifications/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/console/dang-nhap/"), url
    response = client.post(reverse("console:case_personal", args=[report.pk]))
    assert response.status_code == 302
    assert_no_personal_data(response.content)


def test_an_account_without_role_is_refused(org2022, cases2022: Cases):
    cases2022.in_progress()
    nobody = User.objects.create_user(username="khach", password="x-Khach-12345")
    response = signed_in(nobody).get(reverse("console:inbox"))
    assert response.status_code == 403
    assert "chưa được gán vai trò" in response.content.decode()


def test_media_of_a_case_only_within_scope(org2022, cases2022: Cases, jpeg_upload):
    """Private originals are served to officials who may see the report, and to no one else (R-3.2)."""
    from pakn.reports.media import attachment_add

    report = cases2022.in_progress()
    item = attachment_add(report=report, upload=jpeg_upload(), by_reporter=True)
    url = reverse("console:attachment", args=[item.pk])
    ok = signed_in(org2022.officer).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert b"".join(ok.streaming_content)[:3] == b"\xff\xd8\xff"
    assert signed_in(org2022.other_leader).get(url).status_code == 404
    assert signed_in(org2022.specialist(0)).get(url).status_code == 404
    preview = signed_in(org2022.district_leader).get(reverse("console:attachment_preview", args=[item.pk]))
    assert preview.status_code == 200


def test_another_agency_never_finds_the_reporter_by_phone(org2022, cases2022: Cases):
    """R-3.2: a search by phone is limited to the searcher's scope; another commune finds nothing."""
    report = cases2022.in_progress()
    response = signed_in(org2022.other_leader).get(reverse("console:inbox"), {"q": "0987654321"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Không tìm thấy" in text
    assert report.tracking_code not in text and PLANTED_NAME not in text


def test_other_leader_inbox_shows_nothing_of_commune_a(org2022, cases2022: Cases):
    report = cases2022.in_progress()
    client = signed_in(org2022.other_leader)
    for tab in ("mine", "agency", "due_soon", "overdue", "done"):
        response = client.get(reverse("console:inbox"), {"tab": tab})
        assert report.tracking_code not in response.content.decode()


@pytest.fixture
def jpeg_upload() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def make(name: str = "hien-truong.jpg") -> SimpleUploadedFile:
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="JPEG")
        return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")

    return make
