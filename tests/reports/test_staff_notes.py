"""Who reads a note (issue 14, item 2; R-9.2, R-3.2): every text field says who reads it; a staff note is
internal unless its author ticks «Công khai ghi chú này», and no public surface (the portal's report page,
the REST public API, Open311, open data) nor the reporter's private views shows an internal note."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from pakn.reports import chain, services
from pakn.reports.action_spec import NOTE_PUBLIC, READER_TEXTS, Kind, Readers
from pakn.reports.actions import SPECS, SPECS_IN_ORDER
from pakn.reports.models import Event, Report
from pakn.reports.selectors import note_readers, public_events
from tests.api.conftest import API, bearer
from tests.conftest import Org, at

FORWARD_NOTE = "IOC lưu ý: gọi anh Tư 0987654321 trước khi đến, nhà cuối ngõ."
DIRECTION = "Chỉ đạo: xử lý dứt điểm, báo cáo riêng cho Chủ tịch."


def _later(report: Report, minutes: int = 10) -> Any:
    report.refresh_from_db()
    assert report.updated_at is not None
    return report.updated_at + timedelta(minutes=minutes)


def _text(response: Any) -> str:
    """A response's text; JSON re-dumped without escapes, so Vietnamese text is found as written."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    if "json" in response.get("Content-Type", ""):
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _public_texts(client: Client, report: Report) -> dict[str, str]:
    """Everything the public reads about a report: its page, the REST API, Open311 and open data."""
    code = report.tracking_code
    paths = {
        "page": f"/phan-anh/{code}/",
        "api": f"{API}/reports/{code}",
        "open311": f"/open311/v2/requests/{code}.json",
        "open data json": "/du-lieu-mo/phan-anh.json",
        "open data csv": "/du-lieu-mo/phan-anh.csv",
    }
    texts = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        texts[name] = _text(response)
    return texts


def _reporter_texts(client: Client, secret: str) -> str:
    """What the reporter reads through his private link: the page and the API."""
    headers = {"HTTP_X_REPORT_SECRET": secret}
    paths = (f"/theo-doi/{secret}/", f"{API}/my/report", f"{API}/my/report/messages")
    return "\n".join(_text(client.get(path, **headers)) for path in paths)


@pytest.fixture
def assigned(org: Org, submit: Any) -> tuple[Report, str]:
    """A report forwarded with an IOC note and assigned with a direction, neither published."""
    sub = submit(now=at("2026-03-02 08:00"))
    report = sub.report
    services.report_forward(report=report, actor=org.operator, note=FORWARD_NOTE, now=_later(report))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, note=DIRECTION, now=_later(report)
    )
    report.refresh_from_db()
    return report, sub.secret


def test_notes_of_forwarding_and_assigning_stay_internal_by_default(client, org, assigned):
    """The issue's defect: the IOC's note and the leader's direction were on the public page word for word."""
    report, secret = assigned
    events = {e.action: e for e in report.events.all()}
    assert events["forward"].note == FORWARD_NOTE and events["forward"].note_public is False
    assert note_readers(events["forward"]) == note_readers(events["assign"]) == Readers.STAFF
    assert [e.note for e in public_events(report)] == ["", "", ""]
    public = _public_texts(client, report)
    assert all(report.tracking_code in text for text in public.values())  # the surfaces show the report
    reporter = _reporter_texts(client, secret)
    assert "Phân công xử lý" in reporter  # the entries are there, without their notes
    for text in (*public.values(), reporter):
        assert "gọi anh Tư" not in text and "Chỉ đạo: xử lý dứt điểm" not in text
        assert "0987654321" not in text
    # Staff read both, and the API says who else does.
    case = client.get(f"{API}/staff/cases/{report.pk}", **bearer(org.operator)).json()
    notes = {e["action"]: (e["note"], e["note_readers"]) for e in case["timeline"]}
    assert notes["forward"] == (FORWARD_NOTE, "staff") and notes["assign"] == (DIRECTION, "staff")


def test_a_published_note_is_public_with_numbers_masked_and_sealed(client, org, submit):
    """Opt-in: the author ticks «Công khai ghi chú này»; the public reads the note without the phone number,
    the reporter reads it too, and the event's MAC covers the choice (flipping it breaks the chain)."""
    sub = submit(now=at("2026-03-02 08:00"))
    report = sub.report
    event = services.report_act(
        report=report,
        action="forward",
        actor=org.operator,
        note=FORWARD_NOTE,
        note_public=True,
        now=_later(report),
    )
    assert event.note_public is True and note_readers(event) == Readers.PUBLIC
    public = _public_texts(client, report)
    assert "IOC lưu ý: gọi anh Tư" in public["page"] and "IOC lưu ý: gọi anh Tư" in public["api"]
    assert all("0987654321" not in text for text in public.values())
    assert "gọi anh Tư 0987654321" in _reporter_texts(client, sub.secret)
    stored = Event.objects.get(pk=event.pk)
    assert chain.mac_matches(stored)
    stored.note_public = False
    assert not chain.mac_matches(stored)


def test_publishing_an_empty_note_publishes_nothing(org, journey):
    report = journey.received()
    event = services.report_act(
        report=report, action="forward", actor=org.operator, note="", note_public=True, now=_later(report)
    )
    assert event.note_public is False


def test_only_an_opt_in_note_may_be_published(org, journey):
    """Internal entries (a reassignment, a mark) and notes addressed to the reporter cannot be published."""
    report = journey.in_progress()
    with pytest.raises(ValidationError) as refused:
        services.report_act(
            report=report,
            action="reassign",
            actor=org.commune_leader,
            officer=org.officer2,
            note="Giao lại",
            note_public=True,
            now=_later(report),
        )
    assert "note_public" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.report_act(
            report=report,
            action="mark_valuable",
            actor=org.operator,
            value=True,
            note="x",
            note_public=True,
            now=_later(report),
        )
    assert not report.events.filter(action__in=("reassign", "mark_valuable")).exists()


def test_notes_the_regulation_publishes_stay_public(org, journey):
    """Texts the system writes on public entries (the departments asked, a department's answer, a
    cancellation's reason) and the published result stay public; earlier events need no migration."""
    report = journey.coordinating()
    services.report_request_opinions(
        report=report,
        actor=org.operator,
        departments=[org.departments[0]],
        question="Đề nghị cho ý kiến.",
        now=_later(report),
    )
    notes = {e.action: e.note for e in public_events(report)}
    assert notes["request_opinions"].startswith("Xin ý kiến: ")
    assert note_readers(report.events.get(action="request_opinions")) == Readers.PUBLIC


def test_every_text_field_says_who_reads_it():
    """Each text input of every action names its readers; the opt-in flag goes only with an opt-in note on
    a public entry, and defaults to off."""
    for spec in SPECS_IN_ORDER:
        for item in spec.inputs:
            if item.kind == Kind.TEXT:
                assert item.readers in READER_TEXTS, (spec.action, item.name)
                assert READER_TEXTS[item.readers] in item.help_text(Report()) or callable(item.help)
        if NOTE_PUBLIC in spec.inputs:
            assert spec.note_readers == Readers.OPT_IN and spec.visibility == Event.Visibility.PUBLIC
            assert NOTE_PUBLIC.default is False
    opt_in = {s.action for s in SPECS_IN_ORDER if NOTE_PUBLIC in s.inputs}
    assert {"forward", "assign", "escalate", "take_over"} <= opt_in
    assert SPECS["approve"].note_readers == Readers.STAFF  # «Ghi chú nội bộ» on a public entry
    assert SPECS["rate"].note_readers == Readers.AGENCY  # the reporter's reason, for the agency


def test_the_console_form_and_the_api_say_who_reads_each_note(client, org, journey):
    report = journey.received()
    client.force_login(org.operator)
    html = client.get(f"/console/phan-anh/{report.pk}/").content.decode()
    assert "Chỉ cán bộ xem, trừ khi chọn «Công khai ghi chú này»." in html
    assert 'name="forward-note_public"' in html or 'name="note_public"' in html
    assert "Công khai ghi chú này" in html
    assert "checked" not in html.split("Công khai ghi chú này")[0].rsplit("<input", 1)[-1]
    schema = client.get(f"{API}/openapi.json").json()
    text = json.dumps(schema, ensure_ascii=False)
    assert "Chỉ cán bộ xem, trừ khi chọn «Công khai ghi chú này»." in text
    assert "Gửi cho người phản ánh; không công khai trên cổng." in text  # request_info's text


def test_the_api_publishes_a_note_only_when_asked(client, org, journey):
    report = journey.received()
    response = client.post(
        f"{API}/staff/cases/{report.pk}/forward",
        data=json.dumps({"note": "Đã xác minh, chuyển xã.", "note_public": True}),
        content_type="application/json",
        **bearer(org.operator),
    )
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert [e.note for e in public_events(report)][-1] == "Đã xác minh, chuyển xã."
