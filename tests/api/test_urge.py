"""POST /api/v1/staff/cases/{id}/urge: the supervisor urges an overdue case ("Đôn đốc", R-10.1)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pakn.notify.models import Kind, OutboxMessage
from pakn.reports.models import Event
from tests.api.conftest import API, bearer, post_json

pytestmark = pytest.mark.django_db


def test_the_supervisor_urges_an_overdue_case_through_the_api(api, org, journey):
    """The case lists the action for the supervisor only; the urge is on the staff timeline with its note, the
    commune's leader is notified, and the public never sees it."""
    report = journey.in_progress()  # March: long overdue now
    leader = org.commune_leader
    case = api.get(f"{API}/staff/cases/{report.pk}", **bearer(org.supervisor)).json()
    urge = next(a for a in case["allowed_actions"] if a["action"] == "urge")
    assert urge["path"] == f"/api/v1/staff/cases/{report.pk}/urge"
    own = api.get(f"{API}/staff/cases/{report.pk}", **bearer(leader)).json()
    assert "urge" not in {a["action"] for a in own["allowed_actions"]}

    response = post_json(
        api, f"/staff/cases/{report.pk}/urge", {"note": "Báo cáo ngay trong ngày."}, **bearer(org.supervisor)
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == report.state
    event = Event.objects.get(report=report, action="urge")
    assert event.visibility == Event.Visibility.INTERNAL and event.note == "Báo cáo ngay trong ngày."
    message = OutboxMessage.objects.get(event=event)
    assert message.kind == Kind.URGED
    assert message.deliveries.filter(user=leader).exists()
    timeline = api.get(f"{API}/staff/cases/{report.pk}", **bearer(leader)).json()["timeline"]
    assert "urge" in [e["action"] for e in timeline]
    public = api.get(f"{API}/reports/{report.tracking_code}")
    assert public.status_code == 200 and "urge" not in public.content.decode()
    assert "Báo cáo ngay trong ngày" not in public.content.decode()


def test_urging_is_refused_to_the_holding_agency_and_before_the_deadline(api, org, journey):
    report = journey.in_progress()
    refused = post_json(api, f"/staff/cases/{report.pk}/urge", {}, **bearer(org.commune_leader))
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    fresh = journey.in_progress(start=timezone.now())
    early = post_json(api, f"/staff/cases/{fresh.pk}/urge", {}, **bearer(org.supervisor))
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    assert not Event.objects.filter(action="urge").exists()
