"""Forwarding an incomplete report (issue 11, item 12; Điều 5 and điểm b khoản 2 Điều 7 Quy chế, R-5.1,
R-7.2b): a report without the reporter's name, contact address, phone or ID number (an Open311 client sends
none) is first asked to be supplemented. The console says what is missing and offers "Đề nghị bổ sung thông
tin" first; forwarding it anyway needs a stated reason, recorded with what was missing. Dated scenarios with
time-machine: a Friday afternoon, Tết 2026 (the IOC works every day; the commune's hour counts from after
Tết), on the 2025 and 2022 data."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from pakn.reports import services
from pakn.reports.models import Event, Report, State, Step
from tests.api.conftest import bearer, field_errors, post_json
from tests.conftest import VALID, Org, at
from tests.console.conftest import signed_in

REASON = "Sự cố nguy hiểm trên đường, người gửi qua Open311 không để lại liên lạc; xử lý ngay."


def open311_report(org: Org, moment: str) -> Report:
    """What an Open311 client typically sends: a description, a category and a position, nobody's name."""
    with time_machine.travel(at(moment), tick=False):
        return services.report_submit(
            category=org.category,
            content="Cây đổ chắn ngang đường, xe không qua được.",
            channel="open311",
            latitude=21.8537,
            longitude=106.7615,
            area=org.commune_area,
            allow_incomplete=True,
        ).report


def test_forwarding_an_incomplete_report_without_a_reason_is_refused_on_a_friday_afternoon(org):
    """R-5.1, R-7.2b (2025 data): received on Friday 6 March 2026 at 16:45 through Open311 without name,
    address, phone or ID; forwarding it at 16:50 with no reason is refused, naming what is missing; asking
    for the information is what the IOC does instead (1 clock hour to supplement)."""
    report = open311_report(org, "2026-03-06 16:45")
    with time_machine.travel(at("2026-03-06 16:50"), tick=False):
        with pytest.raises(ValidationError) as refused:
            services.report_forward(report=report, actor=org.operator)
        message = refused.value.message_dict["incomplete_reason"][0]
        for missing in ("họ và tên người phản ánh", "địa chỉ liên hệ", "số điện thoại", "số định danh"):
            assert missing in message
        assert "nơi xảy ra" not in message  # the place was given
        assert "theo Điều 5, Điều 7 Quy chế" in message
        report.refresh_from_db()
        assert (report.state, report.event_count) == (State.RECEIVED, 1)
        services.report_request_info(
            report=report, actor=org.operator, note="Đề nghị cho biết họ tên, số điện thoại."
        )
    assert report.state == State.AWAITING_INFO and report.due_at == at("2026-03-06 17:50")


@pytest.mark.parametrize("dataset", ["2025", "2022"])
def test_forwarding_an_incomplete_report_during_tet_with_a_reason_is_recorded(db, dataset, request):
    """R-7.2a, R-7.2b: received on Tuesday 17 February 2026 (Tết) at 09:00, forwarded at 09:30 with a
    stated reason: the triage hour is met, the reason and what was missing are recorded (internal data of
    the event), and the commune's hour to assign counts from Monday 23 February at 07:30 (after Tết)."""
    org: Org = request.getfixturevalue("org" if dataset == "2025" else "org2022")
    report = open311_report(org, "2026-02-17 09:00")
    with time_machine.travel(at("2026-02-17 09:30"), tick=False):
        event = services.report_forward(report=report, actor=org.operator, incomplete_reason=REASON)
    assert (report.state, report.agency) == (State.ROUTED, org.commune)
    assert event.data == {
        "missing": ["reporter_name", "reporter_address", "reporter_phone", "reporter_id_number"],
        "incomplete_reason": REASON,
    }
    assert (event.step, event.on_time, event.statutory) == (Step.TRIAGE, True, True)
    assert report.due_at == at("2026-02-23 08:30")
    assert REASON not in event.note  # the forward entry is public; the reason stays in its internal data


def test_a_complete_report_needs_no_reason(org, submit):
    report = submit(now=at("2026-03-06 16:00")).report
    event = services.report_forward(report=report, actor=org.operator, now=at("2026-03-06 16:10"))
    assert event.data == {} and report.state == State.ROUTED


def test_the_console_shows_what_is_missing_and_offers_request_information_first(org):
    """R-7.2b in the console: a warning names the missing items; «Đề nghị bổ sung thông tin» comes before
    «Chuyển xử lý», whose form asks for the reason (with the same list in its help)."""
    report = open311_report(org, "2026-03-06 16:45")
    client = signed_in(org.operator)
    page = client.get(reverse("console:case", args=[report.pk])).content.decode()
    assert 'data-testid="missing-information"' in page
    assert (
        "Còn thiếu: họ và tên người phản ánh, địa chỉ liên hệ, số điện thoại, số định danh cá nhân." in page
    )
    assert page.index('id="action-request_info"') < page.index('id="action-forward"')
    assert 'name="forward-incomplete_reason"' in page

    refused = client.post(reverse("console:case_action", args=[report.pk, "forward"]), {"forward-note": ""})
    assert refused.status_code == 400
    assert "Phản ánh còn thiếu" in refused.content.decode()
    report.refresh_from_db()
    assert report.state == State.RECEIVED

    done = client.post(
        reverse("console:case_action", args=[report.pk, "forward"]), {"forward-incomplete_reason": REASON}
    )
    assert done.status_code == 302
    assert Event.objects.get(report=report, action="forward").data["incomplete_reason"] == REASON


def test_a_complete_report_shows_no_warning_and_no_reason_field(org, submit):
    report = submit(now=at("2026-03-06 16:00")).report
    page = signed_in(org.operator).get(reverse("console:case", args=[report.pk])).content.decode()
    assert 'data-testid="missing-information"' not in page
    assert 'name="forward-incomplete_reason"' not in page


def test_the_api_refuses_forwarding_an_incomplete_report_without_a_reason(org, client: Any):
    report = open311_report(org, "2026-03-06 16:45")
    headers = bearer(org.operator)
    detail = client.get(f"/api/v1/staff/cases/{report.pk}", **headers).json()
    assert detail["missing_information"] == [
        "reporter_name",
        "reporter_address",
        "reporter_phone",
        "reporter_id_number",
    ]
    refused = post_json(client, f"/staff/cases/{report.pk}/forward", {}, **headers)
    assert refused.status_code == 422
    assert "số điện thoại" in field_errors(refused)["incomplete_reason"]
    done = post_json(client, f"/staff/cases/{report.pk}/forward", {"incomplete_reason": REASON}, **headers)
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "routed" and done.json()["missing_information"] == []


def test_valid_fixture_is_complete():
    """The shared test report is complete (R-5.1): every other test forwards it without a reason."""
    assert all(
        VALID.get(k) for k in ("reporter_name", "reporter_address", "reporter_phone", "reporter_id_number")
    )
