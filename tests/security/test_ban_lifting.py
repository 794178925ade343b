"""Issue 10, item 12: any leader could lift any ban and nothing was recorded. Now only a leader of the agency
that set the ban, or the supervisor, lifts it, with a reason; who, when and why stay on the ban and on the
timeline of the report that set it (R-15.2, Điều 15 Quy chế)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pakn.core.crypto import lookup_hash
from pakn.reports import services
from pakn.reports.actions import allowed_actions
from pakn.reports.audit import verify_report
from pakn.reports.models import Event, Report, ReporterBan
from pakn.reports.workflow import ActionRefused
from tests.api.conftest import bearer
from tests.conftest import VALID, Org, at
from tests.console.conftest import signed_in

BARRED_AT = at("2026-03-06 15:00")  # a Friday afternoon
LIFTED_AT = at("2026-03-09 08:30")  # the Monday after


def _submit(org: Org, now: Any) -> Report:
    return services.report_submit(category=org.category, area=org.commune_area, now=now, **VALID).report


def _banned(org: Org, settings: Any) -> tuple[Report, ReporterBan]:
    """The IOC marks two of one reporter's reports abusive and bars him (the IOC's operator sets the ban)."""
    settings.PAKN_ABUSE_BAN_THRESHOLD = 2
    first, second = _submit(org, at("2026-03-06 09:00")), _submit(org, at("2026-03-06 10:00"))
    for report in (first, second):
        services.report_mark(
            report=report, actor=org.operator, mark="abusive", note="Sai sự thật.", now=BARRED_AT
        )
    services.reporter_bar(report=second, actor=org.operator, note="Nhiều lần sai sự thật.", now=BARRED_AT)
    second.refresh_from_db()
    ban = ReporterBan.objects.get()
    assert (ban.report, ban.agency, ban.created_by) == (second, org.ioc, org.operator)
    return second, ban


def test_a_leader_of_another_agency_cannot_lift_a_ban_it_did_not_set(org, settings):
    """The attack: a commune's leader (or the operator who set it: not a leader) lifted a ban the IOC set.
    Refused by the service, the console and the REST API; the ban holds and nothing is recorded."""
    report, ban = _banned(org, settings)
    for actor in (org.commune_leader, org.other_leader, org.operator, org.officer):
        assert "lift_ban" not in {s.action for s in allowed_actions(report, actor, now=LIFTED_AT)}
        with pytest.raises(ActionRefused):
            services.reporter_ban_lift(ban=ban, actor=actor, note="Gỡ giúp.", now=LIFTED_AT)
    console = signed_in(org.commune_leader).post(
        reverse("console:case_action", args=[report.pk, "lift_ban"]), {"lift_ban-note": "Gỡ giúp."}
    )
    assert console.status_code == 404
    api = Client().post(
        f"/api/v1/staff/cases/{report.pk}/lift-ban",
        json.dumps({"note": "Gỡ giúp."}),
        content_type="application/json",
        **bearer(org.commune_leader),
    )
    assert api.status_code == 404
    ban.refresh_from_db()
    assert (ban.lifted_at, ban.lifted_by, ban.lift_reason) == (None, None, "")
    assert not Event.objects.filter(action="lift_ban").exists()
    with pytest.raises(ValidationError, match="hạn chế gửi phản ánh"):
        _submit(org, LIFTED_AT)


def test_lifting_a_ban_is_recorded_with_who_when_and_why(org, settings):
    """The IOC's leader (the agency that set it) lifts it through the console: a reason is required, and who,
    when and why are kept on the ban and as an internal, sealed entry of the report's timeline."""
    report, ban = _banned(org, settings)
    assert "lift_ban" in {s.action for s in allowed_actions(report, org.ioc_leader, now=LIFTED_AT)}
    with pytest.raises(ValidationError):
        services.reporter_ban_lift(ban=ban, actor=org.ioc_leader, note="  ", now=LIFTED_AT)
    client = signed_in(org.ioc_leader)
    url = reverse("console:case_action", args=[report.pk, "lift_ban"])
    response = client.post(url, {"lift_ban-note": "Người gửi đã cam kết, có xác nhận của UBND phường."})
    assert response.status_code == 302, response.content.decode()[-400:]
    ban.refresh_from_db()
    assert ban.lifted_by == org.ioc_leader and ban.lifted_at is not None
    assert ban.lift_reason == "Người gửi đã cam kết, có xác nhận của UBND phường."
    event = Event.objects.get(report=report, action="lift_ban")
    assert (event.actor, event.visibility, event.note) == (org.ioc_leader, "internal", ban.lift_reason)
    assert event.data == {"bans": [ban.pk]}
    assert verify_report(Report.objects.get(pk=report.pk)) is None
    assert _submit(org, LIFTED_AT).state == "received"  # the reporter may send again
    report.refresh_from_db()
    assert "lift_ban" not in {s.action for s in allowed_actions(report, org.supervisor, now=LIFTED_AT)}


def test_the_supervisor_lifts_any_ban_through_the_api_and_it_is_recorded(org, settings):
    report, ban = _banned(org, settings)
    response = Client().post(
        f"/api/v1/staff/cases/{report.pk}/lift-ban",
        json.dumps({"note": "Văn phòng UBND tỉnh xem xét lại."}),
        content_type="application/json",
        **bearer(org.supervisor),
    )
    assert response.status_code == 200, response.content
    ban.refresh_from_db()
    assert (ban.lifted_by, ban.lift_reason) == (org.supervisor, "Văn phòng UBND tỉnh xem xét lại.")
    assert Event.objects.get(report=report, action="lift_ban").actor == org.supervisor


def test_a_ban_without_its_report_is_lifted_by_the_supervisor_only(org):
    """A ban older than the record of its report: only the supervisor lifts it, recorded on the ban."""
    ban = ReporterBan.objects.create(
        phone_hash=lookup_hash("phone", "+84912345678"), reason="Sai sự thật.", created_by=org.operator
    )
    for actor in (org.ioc_leader, org.commune_leader):
        with pytest.raises(ActionRefused):
            services.reporter_ban_lift(ban=ban, actor=actor, note="Gỡ.", now=LIFTED_AT)
    services.reporter_ban_lift(ban=ban, actor=org.supervisor, note="Đã xem xét lại.", now=LIFTED_AT)
    ban.refresh_from_db()
    assert (ban.lifted_at, ban.lifted_by, ban.lift_reason) == (LIFTED_AT, org.supervisor, "Đã xem xét lại.")
