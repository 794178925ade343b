"""The action specs (pakn.reports.actions): one per action, readiness at a given `now`, deadline help texts
from the DeadlinePolicy rows, identical limits on every surface, and the one countdown (R-7, R-10.1)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pakn.api.actions import input_schema, staff_action_paths, takes_json
from pakn.console.forms import ActionForm
from pakn.portal.forms import ReporterActionForm, SupplementForm
from pakn.reports import effects, services
from pakn.reports.actions import SPECS, SPECS_IN_ORDER, Group, Kind, allowed_actions
from pakn.reports.limits import limit_for
from pakn.reports.models import DeadlinePolicy, Report, Step
from pakn.reports.workflow import SYSTEM, ReporterActor
from pakn.workdays.calendar import Unit
from tests.api.conftest import API, bearer
from tests.conftest import at
from tests.console.conftest import signed_in


def test_each_action_has_one_spec_with_an_effect_and_its_surfaces():
    """R-4.2: one spec per action; staff actions have an endpoint, the reporter's and the sweep's none."""
    assert len(SPECS) == len(SPECS_IN_ORDER) == 38  # with progress update, the leadership asked and answering
    for spec in SPECS_IN_ORDER:
        assert callable(spec.effect)
        assert spec.for_reporter == (spec.group == Group.REPORTER), spec.action
        assert bool(spec.api_path) == (spec.group in (Group.PROCEDURE, Group.MARK)), spec.action
    assert {s.action for s in SPECS_IN_ORDER if s.for_reporter} == {"supplement", "reply", "rate"}
    # Staff media files are multipart (their own endpoint, POST …/attachments); every other one is JSON.
    assert [s.action for s in SPECS_IN_ORDER if s.api_path and not takes_json(s)] == ["attach_media"]
    assert sorted(staff_action_paths()["marks"], key=lambda s: s.api_key) == [
        SPECS["mark_abusive"],
        SPECS["mark_complex"],
        SPECS["mark_state_secret"],
        SPECS["mark_valuable"],
    ]


def test_readiness_takes_now_not_the_clock(org, journey):
    """R-7.2b: the sweep's actions are ready by the `now` given, whatever the real clock says."""
    report = journey.awaiting_info()  # asked at 08:10 on 2 March 2026: the reporter has until 09:10
    assert report.due_at == at("2026-03-02 09:10")
    with time_machine.travel(at("2026-12-01 12:00"), tick=False):  # the real clock is long past it
        before = {s.action for s in allowed_actions(report, SYSTEM, now=at("2026-03-02 09:00"))}
        after = {s.action for s in allowed_actions(report, SYSTEM, now=at("2026-03-02 09:11"))}
    assert before == set()
    assert after == {"cancel_expired", "note_overdue"}
    reporter = ReporterActor(report.pk)
    assert [s.action for s in allowed_actions(report, reporter, now=at("2026-03-02 09:00"))] == ["supplement"]
    assert allowed_actions(report, reporter, now=at("2026-03-02 09:11")) == []


def test_deadline_help_texts_follow_the_policy_rows(org, journey):
    """R-7.3a: the help quotes the policy's amount; an administrator's change shows at once."""
    report = Report.objects.select_related("agency").get(pk=journey.routed().pk)
    assign = SPECS["assign"]
    assert assign.help_text(report) == "Phân công trong 01 giờ làm việc (theo Điều 7 Quy chế)."
    DeadlinePolicy.objects.filter(step=Step.ASSIGN, agency_kind="").update(amount=2, unit=Unit.WORKING_DAYS)
    assert assign.help_text(report) == "Phân công trong 02 ngày làm việc (theo Điều 7 Quy chế)."
    with translation.override("en"):
        assert assign.help_text(report) == "Assign within 2 working days (under Article 7 of the Regulation)."
    form = ActionForm(report=report, user=org.commune_leader, action="assign")
    assert form.help_text == "Phân công trong 02 ngày làm việc (theo Điều 7 Quy chế)."


def test_request_info_help_quotes_the_supplement_policy(org, journey):
    """R-7.2b: the IOC's form says how long the reporter has, from the policy."""
    report = Report.objects.select_related("agency").get(pk=journey.received().pk)
    text = SPECS["request_info"].help_text(report)
    assert text == "Người phản ánh có 01 giờ để bổ sung; quá hạn phản ánh sẽ bị hủy (theo Điều 7 Quy chế)."
    DeadlinePolicy.objects.filter(step=Step.SUPPLEMENT).update(amount=2)
    assert "02 giờ" in SPECS["request_info"].help_text(report)


def _api_limits(path: str, name: str) -> tuple[int | None, bool]:
    specs = staff_action_paths()[path]
    field = input_schema(path, specs).model_fields[name]
    max_length = next((m.max_length for m in field.metadata if hasattr(m, "max_length")), None)
    return max_length, field.is_required()


def test_every_text_input_has_the_same_limit_on_every_surface(org, journey):
    """A note accepted by the API is accepted by the console and the portal, and the reverse (one limit)."""
    report = Report.objects.select_related("agency", "category").get(pk=journey.resolved().pk)
    compared = 0
    for spec in SPECS_IN_ORDER:
        texts = [i for i in spec.inputs if i.kind in (Kind.TEXT, Kind.LINE)]
        for item in texts:
            assert item.max_length is not None, (spec.action, item.name)
            assert item.max_length == limit_for(item.name), (spec.action, item.name)  # one list: limits.py
            if takes_json(spec):
                assert _api_limits(spec.api_path, item.name) == (item.max_length, item.required)
            if spec.api_path and item.is_shown(report):  # a reason only an incomplete report asks for
                form = ActionForm(report=report, user=org.commune_leader, action=spec.action)
                field = form.fields[item.name]
                assert (field.max_length, field.required) == (item.max_length, item.required)  # type: ignore[attr-defined]
                compared += 1
    reply = ReporterActionForm(action="reply", report=report).fields["note"]
    assert reply.max_length == SPECS["reply"].input("note").max_length == 5000  # type: ignore[attr-defined]
    from pakn.api import schemas

    assert schemas.MessageIn.model_fields["text"].metadata[-1].max_length == 5000
    for name in ("note", "reporter_name", "reporter_address", "reporter_phone", "reporter_id_number"):
        limit = SPECS["supplement"].input(name).max_length
        assert SupplementForm().fields[name].max_length == limit  # type: ignore[attr-defined]
        assert schemas.SupplementIn.model_fields[name].metadata[-1].max_length == limit
    assert compared >= 20


def test_a_too_long_note_is_refused_by_the_console_and_the_api_alike(org, journey):
    report = journey.received()
    too_long = "x" * 5001
    console = signed_in(org.operator).post(
        reverse("console:case_action", args=[report.pk, "request_info"]), {"request_info-note": too_long}
    )
    assert console.status_code == 400
    api = Client().post(
        f"{API}/staff/cases/{report.pk}/request-info",
        data={"note": too_long},
        content_type="application/json",
        **bearer(org.operator),
    )
    assert api.status_code == 422
    assert Report.objects.get(pk=report.pk).state == "received"


def test_a_control_character_is_refused_beside_the_field_and_by_the_workflow(org, journey):
    """Issue 10, item 9: the spec's forms show the core's refusal (limits.py); `apply` refuses it anyway."""
    report = journey.received()
    form = ActionForm(
        {"request_info-note": "Số nhà\u202e?"}, report=report, user=org.operator, action="request_info"
    )
    assert not form.is_valid()
    assert form.errors["note"] == ["Có ký tự điều khiển không hợp lệ (mã U+202E); vui lòng xóa ký tự đó."]
    with pytest.raises(ValidationError) as refused:
        services.report_act(report=report, action="request_info", actor=org.operator, note="a\x1bb")
    assert list(refused.value.error_dict) == ["note"]
    assert Report.objects.get(pk=report.pk).state == "received"


@pytest.mark.parametrize(
    ("start", "now", "text"),
    [
        # R-7.2a: triage counts clock time, also on a Saturday night.
        ("2026-03-07 21:00", "2026-03-07 21:20", "Còn 40 phút"),
        # Overdue by clock time.
        ("2026-03-07 21:00", "2026-03-07 23:30", "Quá hạn 1 giờ 30 phút"),
    ],
)
def test_console_and_api_show_the_same_countdown(org, journey, start, now, text):
    """R-7, R-10.1: one countdown (countdown.Clock) on the console's case page, its inbox and the API."""
    report = journey.received(start=at(start))
    with time_machine.travel(at(now), tick=False):
        page = signed_in(org.operator).get(reverse("console:case", args=[report.pk])).content.decode()
        case = Client().get(f"{API}/staff/cases/{report.pk}", **bearer(org.operator)).json()
        inbox = Client().get(f"{API}/staff/inbox?tab=agency", **bearer(org.operator)).json()
    shown = re.search(r'data-testid="countdown">(?:⚠ )?([^<]+)</p>', page)
    assert shown is not None and shown.group(1) == text
    assert case["countdown"] == text
    assert [i["countdown"] for i in inbox["items"] if i["id"] == report.pk] == [text]


def test_the_working_time_countdown_is_the_same_too(org, journey):
    """R-7.3a: an officer's working day, counted in working time on both surfaces."""
    report = journey.in_progress()  # assigned Monday 2 March 08:20, due Tuesday 08:20 (working time)
    with time_machine.travel(at("2026-03-02 16:20"), tick=False):
        case = Client().get(f"{API}/staff/cases/{report.pk}", **bearer(org.commune_leader)).json()
        page = signed_in(org.commune_leader).get(reverse("console:case", args=[report.pk])).content.decode()
    # 16:20–17:00 Monday, then 07:30–08:20 Tuesday: 1 hour 30 minutes of working time.
    assert case["countdown"] == "Còn 1 giờ 30 phút làm việc"
    assert 'data-testid="countdown">Còn 1 giờ 30 phút làm việc</p>' in page


def test_reject_reasons_and_their_choices_are_one_list():
    assert [c for c, _label in SPECS["reject"].input("reason_code").choices] == list(effects.REJECT_REASONS)
