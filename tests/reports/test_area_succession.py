"""Moving a live installation from the 2022 areas to the 2025 areas (issue 11, item 11; R-7.6, Điều 7 Quy chế):
`pakn import-areas --dataset 2025` moves every case still open at a retired commune or district to its
successor (the `legacy_codes` of the 2025 data), one public system event each, with every deadline kept; a
dry run lists the moves, the cases it cannot map and the accounts left at retired agencies, and writes
nothing. Afterwards the moved cases escalate normally (commune → province).

The cases are forwarded on Friday 13 February 2026 (the last afternoon before Tết) and the move runs during
Tết (Wednesday 18 February), so the deadlines it must keep run across the holiday.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pakn.notify.models import OutboxMessage
from pakn.org.models import Agency, Area, User
from pakn.reports import services
from pakn.reports.models import Event, Report, State
from pakn.reports.succession import succession_plan
from tests.conftest import VALID, Org, at, make_user

MOVE_DAY = "2026-02-18 09:00"  # Wednesday, during Tết


def _committee(dataset: str, code: str) -> Agency:
    return Agency.objects.get(area__dataset=dataset, area__code=code, kind=Agency.Kind.COMMUNE)


def _routed_to(org: Org, commune_code: str, forwarded: str = "2026-02-13 15:30") -> Report:
    area = Area.objects.get(dataset="2022", code=commune_code)
    report = services.report_submit(
        category=org.category,
        area=area,
        now=at("2026-02-13 15:00"),
        **{**VALID, "latitude": None, "longitude": None},
    ).report
    services.report_forward(
        report=report, actor=org.operator, agency=_committee("2022", commune_code), now=at(forwarded)
    )
    return report


def _fields(report: Report) -> tuple[Any, ...]:
    report.refresh_from_db()
    return (
        report.state,
        report.step,
        report.due_at,
        report.escalate_by,
        report.overdue_at,
        report.agency_since,
        report.step_started_at,
    )


@pytest.fixture
def live_2022(org2022: Org) -> dict[str, Any]:
    """Open cases at three communes of Thành phố Lạng Sơn, at the district, at a split commune, and a
    closed one; an officer and a leader of a retired commune."""
    org = org2022
    cases: dict[str, Any] = {"org": org}
    cases["dong_kinh"] = _routed_to(org, "5980")  # Phường Đông Kinh (2022) → Phường Đông Kinh (2025, 5977)
    cases["tam_thanh"] = _routed_to(org, "5974")  # Phường Tam Thanh (2022) → Phường Tam Thanh (2025, 5986)
    quang_lac = _committee("2022", "5989")  # Xã Quảng Lạc → Phường Lương Văn Tri (2025, 5983)
    leader, officer = make_user(quang_lac, User.Role.LEADER), make_user(quang_lac, User.Role.OFFICER)
    cases["quang_lac"] = _routed_to(org, "5989")
    services.report_assign(
        report=cases["quang_lac"], actor=leader, officer=officer, now=at("2026-02-13 16:00")
    )
    # At the district: escalated by Phường Vĩnh Trại (5977, absorbed by Phường Đông Kinh 2025).
    cases["district"] = _routed_to(org, "5977")
    vinh_trai_leader = make_user(_committee("2022", "5977"), User.Role.LEADER)
    services.report_escalate(
        report=cases["district"],
        actor=vinh_trai_leader,
        note="Vượt thẩm quyền cấp xã.",
        now=at("2026-02-13 16:10"),
    )
    assert cases["district"].agency.kind == Agency.Kind.DISTRICT
    cases["split"] = _routed_to(org, "6622")  # split between two 2025 communes: cannot be mapped by itself
    closed = _routed_to(org, "5983")
    services.report_reject(report=closed, actor=_leader(closed), note="Trùng.", now=at("2026-02-13 16:20"))
    cases["closed"] = closed
    cases["staff"] = [leader, officer, vinh_trai_leader]
    return cases


def _leader(report: Report) -> User:
    return make_user(report.agency, User.Role.LEADER)


def _import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with time_machine.travel(at(MOVE_DAY), tick=False):
        call_command("import_areas", "--dataset", "2025", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_dry_run_lists_moves_unmapped_cases_and_staff_and_writes_nothing(live_2022):
    """Issue 11, item 11: the dry run shows counts per old → new agency, the case it cannot map (a commune
    split between two) and the accounts of retired agencies, and changes nothing."""
    before = {k: _fields(r) for k, r in live_2022.items() if isinstance(r, Report)}
    events = Event.objects.count()
    out, err = _import("--dry-run")
    assert "CHẠY THỬ" in out
    assert "Sẽ chuyển 4 phản ánh" in out
    assert "UBND Xã Quảng Lạc (ubnd-2022-5989) → UBND Phường Lương Văn Tri (ubnd-2025-5983): 1" in out
    assert "UBND Thành phố Lạng Sơn (ubnd-2022-178) → UBND Phường Đông Kinh (ubnd-2025-5977): 1" in out
    assert "UBND Phường Đông Kinh (ubnd-2022-5980) → UBND Phường Đông Kinh (ubnd-2025-5977): 1" in out
    split = live_2022["split"]
    assert f"{split.tracking_code} tại UBND" in err and "được chia cho nhiều xã/phường mới" in err
    for user in live_2022["staff"]:
        assert user.username in err
    assert {k: _fields(live_2022[k]) for k in before} == before
    assert Event.objects.count() == events
    assert Area.objects.filter(dataset="2022", is_active=True).exists()  # the areas were not switched either


def test_the_move_keeps_deadlines_and_records_a_public_system_event(live_2022):
    """Issue 11, item 11 (Điều 7 Quy chế: deadlines run from receipt): each open case moves to its successor
    with one public event by the system, worded for citizens; state, step and deadlines are unchanged."""
    org = live_2022["org"]
    before = {k: _fields(r) for k, r in live_2022.items() if isinstance(r, Report)}
    out, err = _import()
    assert "Đã chuyển 4 phản ánh" in out
    expected = {
        "dong_kinh": _committee("2025", "5977"),
        "tam_thanh": _committee("2025", "5986"),
        "quang_lac": _committee("2025", "5983"),
        "district": _committee("2025", "5977"),
    }
    for key, successor in expected.items():
        report = live_2022[key]
        assert _fields(report) == before[key], key  # deadlines keep running: nothing restarts
        assert report.agency == successor
        event = report.events.get(action="transfer_successor")
        assert (event.actor, event.actor_kind, event.visibility) == (None, "system", "public")
        assert event.target_agency == successor and event.at == at(MOVE_DAY)
        assert successor.name in event.note and "Thời hạn xử lý giữ nguyên" in event.note
        assert event.note.startswith("Do sắp xếp đơn vị hành chính, ")
        assert "R-" not in event.note and "ubnd-" not in event.note and "2022" not in event.note
    assert live_2022["quang_lac"].assignee is None  # the officer's account is still at the retired commune
    assert live_2022["quang_lac"].events.get(action="transfer_successor").note == (
        "Do sắp xếp đơn vị hành chính, UBND Xã Quảng Lạc không còn hoạt động; phản ánh được chuyển đến "
        "UBND Phường Lương Văn Tri để tiếp tục xử lý. Thời hạn xử lý giữ nguyên."
    )
    assert live_2022["split"].agency == _committee("2022", "6622")  # unmapped: left, and reported
    assert live_2022["split"].tracking_code in err
    assert not live_2022["closed"].events.filter(action="transfer_successor").exists()
    # Idempotent: nothing left to move but the unmapped case.
    out, err = _import()
    assert "Đã chuyển 0 phản ánh" in out
    # The administrator names the split case's successor; its leader (an account made after the import) is
    # told, as for a forwarded case.
    split = live_2022["split"]
    successor = Agency.objects.get(code="ubnd-2025-6625")
    leader = make_user(successor, User.Role.LEADER)
    _import("--successor", f"{split.tracking_code}=ubnd-2025-6625")
    split.refresh_from_db()
    assert split.agency == successor
    message = OutboxMessage.objects.get(report=split, kind="routed", event__action="transfer_successor")
    assert set(message.deliveries.values_list("user", flat=True)) == {leader.pk}
    assert not succession_plan().moves and not succession_plan().unmapped
    assert org.ioc.is_active


def test_after_the_move_escalation_works(live_2022):
    """R-7.3b after the move (2025 chain: commune → province): the new Phường Đông Kinh escalates the case
    on Monday 23 February at 10:00, inside its escalation time that ran across Tết from Friday's forwarding
    (15:30 on Monday 23), so it is on time and the case reaches the province."""
    org = live_2022["org"]
    _import()
    report = live_2022["dong_kinh"]
    report.refresh_from_db()
    assert report.escalate_by == at("2026-02-23 15:30")
    leader = make_user(report.agency, User.Role.LEADER)
    services.report_escalate(
        report=report, actor=leader, note="Vượt thẩm quyền cấp xã.", now=at("2026-02-23 10:00")
    )
    assert (report.state, report.agency) == (State.COORDINATING, org.ioc)
    escalated = report.events.get(action="escalate")
    assert (escalated.on_time, escalated.step_due_at) == (True, at("2026-02-23 15:30"))
    # The case that came from the district, and the one in progress, are handled by their new leaders.
    moved = live_2022["quang_lac"]
    moved.refresh_from_db()
    new_leader = make_user(moved.agency, User.Role.LEADER)
    new_officer = make_user(moved.agency, User.Role.OFFICER)
    services.report_act(
        action="reassign", report=moved, actor=new_leader, officer=new_officer, now=at("2026-02-23 10:05")
    )
    assert moved.assignee == new_officer


def test_the_public_timeline_tells_citizens_in_their_words(live_2022, client):
    """Issue 11, item 13 for this event: the public page names the move in Vietnamese, with no internal code."""
    _import()
    report = live_2022["quang_lac"]
    page = client.get(f"/phan-anh/{report.tracking_code}/").content.decode()
    assert "Chuyển cơ quan kế thừa do sắp xếp đơn vị hành chính" in page
    assert "UBND Xã Quảng Lạc không còn hoạt động" in page
    assert "transfer_successor" not in page and "ubnd-2025" not in page


def test_a_report_received_before_the_switch_is_forwarded_to_the_successor(live_2022):
    """R-7.2a after the switch: a report sent on Friday 13 February naming Xã Quảng Lạc (2022), still at the
    IOC's desk, is forwarded on Monday 23 February to the commune that absorbed it; a split commune is not
    guessed (the operator chooses)."""
    org = live_2022["org"]
    area = Area.objects.get(dataset="2022", code="5989")
    waiting = services.report_submit(
        category=org.category,
        area=area,
        now=at("2026-02-13 16:45"),
        **{**VALID, "latitude": None, "longitude": None},
    ).report
    _import()
    assert not succession_plan().moves  # at the IOC: not stranded
    waiting = Report.objects.get(pk=waiting.pk)  # as a request after the switch reads it
    services.report_forward(report=waiting, actor=org.operator, now=at("2026-02-23 08:00"))
    assert waiting.agency == _committee("2025", "5983")
    # The 2025 chain: the new ward may escalate to the province, within 1 working day (R-7.3b): Tuesday
    # 24 February 08:00; its leader assigns within 1 working hour (R-7.3a): 09:00.
    assert (waiting.due_at, waiting.escalate_by) == (at("2026-02-23 09:00"), at("2026-02-24 08:00"))
    split = services.report_submit(
        category=org.category,
        area=Area.objects.get(dataset="2022", code="6622"),
        now=at("2026-02-23 08:05"),
        **{**VALID, "latitude": None, "longitude": None},
    ).report
    with pytest.raises(ValidationError):
        services.report_forward(report=split, actor=org.operator, now=at("2026-02-23 08:10"))
