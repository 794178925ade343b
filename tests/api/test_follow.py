"""The API of issue 14, item 9: «Tôi cũng gặp», following a public report (SMS with a code, web push),
stopping, and the staff's link of a duplicate (R-5.3, R-9.2, R-3.2)."""

from __future__ import annotations

import json

import pytest

from pakn.notify.models import Follower, Kind, OutboxMessage
from pakn.reports.models import Event, State
from tests.api.conftest import API, PROBLEM, bearer, field_errors, post_json


def _code(report):
    message = OutboxMessage.objects.filter(kind=Kind.FOLLOW_CODE, report=report).latest("pk")
    return json.loads(message.private_context)["otp"]


def test_me_too_counts_each_device_once(api, journey):
    """R-9.2: POST /reports/{code}/me-too counts a device once and answers the count."""
    report = journey.routed()
    path = f"/reports/{report.tracking_code}/me-too"
    first = post_json(api, path, {"device": "device-aaaa-1"})
    assert first.status_code == 200 and first.json() == {"counted": True, "count": 1}
    assert post_json(api, path, {"device": "device-aaaa-1"}).json() == {"counted": False, "count": 1}
    assert post_json(api, path, {"device": "device-bbbb-2"}).json() == {"counted": True, "count": 2}
    assert post_json(api, "/reports/KHONG-CO/me-too", {"device": "device-aaaa-1"}).status_code == 404
    assert post_json(api, path, {"device": "short"}).status_code == 422


def test_me_too_is_rate_limited_per_address(api, journey, settings):
    settings.PAKN_ME_TOO_PER_ADDRESS_HOUR = 2
    report = journey.routed()
    path = f"/reports/{report.tracking_code}/me-too"
    for n in range(2):
        assert post_json(api, path, {"device": f"device-{n:06d}"}).status_code == 200
    refused = post_json(api, path, {"device": "device-999999"})
    assert (
        refused.status_code == 429 and refused["Content-Type"] == PROBLEM and int(refused["Retry-After"]) > 0
    )


def test_following_by_sms_sends_a_code_then_confirms(api, journey):
    """R-9.2, R-3.2: 202 «code_sent» whatever the phone's history; the code confirms; the phone never comes back."""
    report = journey.routed()
    sent = post_json(api, f"/reports/{report.tracking_code}/followers", {"phone": "0987 654 321"})
    assert sent.status_code == 202 and sent.json()["status"] == "code_sent"
    assert "987" not in sent.content.decode()
    confirm = f"/reports/{report.tracking_code}/followers/confirm"
    wrong = post_json(api, confirm, {"phone": "0987654321", "code": "abcdef"})
    assert wrong.status_code == 422 and field_errors(wrong) == {
        "code": "Mã xác nhận không đúng hoặc đã hết hạn."
    }
    done = post_json(api, confirm, {"phone": "0987654321", "code": _code(report)})
    assert done.status_code == 200 and done.json()["status"] == "following"
    assert "/ngung-theo-doi/" in done.json()["unsubscribe"] and "987" not in done.content.decode()
    # Asked again for a phone that follows already: the same answer, a new code (nothing is revealed).
    again = post_json(api, f"/reports/{report.tracking_code}/followers", {"phone": "0987654321"})
    assert again.status_code == 202 and again.json()["status"] == "code_sent"


def test_following_refuses_a_bad_phone_and_a_hidden_report(api, journey, org):
    report = journey.routed()
    bad = post_json(api, f"/reports/{report.tracking_code}/followers", {"phone": "12"})
    assert bad.status_code == 422
    rejected = journey.received()
    from pakn.reports import services

    services.report_reject(report=rejected, actor=org.operator, reason_code="complaint")
    refused = post_json(api, f"/reports/{rejected.tracking_code}/followers", {"phone": "0987654321"})
    assert refused.status_code == 422


def test_following_by_web_push_and_stopping(api, journey, settings):
    """R-9.2: a browser's subscription follows at once; the unsubscribe token stops it (404 the second time)."""
    settings.PAKN_VAPID_PRIVATE_KEY = settings.PAKN_VAPID_PRIVATE_KEY or "test-key"
    settings.PAKN_PUSH_SERVICES = [*settings.PAKN_PUSH_SERVICES, "push.example"]
    settings.PAKN_PUSH_PRIVATE_HOSTS = True
    report = journey.routed()
    body = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "B" * 87, "auth": "A" * 22}}
    response = post_json(api, f"/reports/{report.tracking_code}/followers", body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "following"
    token = response.json()["unsubscribe"].rstrip("/").rsplit("/", 1)[1]
    assert Follower.objects.filter(report=report, channel="push").count() == 1
    stop = post_json(api, "/followers/unsubscribe", {"token": token})
    assert stop.status_code == 200 and stop.json() == {"tracking_code": report.tracking_code}
    assert not Follower.objects.filter(report=report).exists()
    assert post_json(api, "/followers/unsubscribe", {"token": token}).status_code == 404


def test_codes_are_rate_limited_with_a_429(api, journey, settings):
    settings.PAKN_FOLLOW_CODES_PER_PHONE_HOUR = 1
    report = journey.routed()
    path = f"/reports/{report.tracking_code}/followers"
    assert post_json(api, path, {"phone": "0987654321"}).status_code == 202
    refused = post_json(api, path, {"phone": "0987 654 321"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_staff_link_a_duplicate_through_its_endpoint(api, org, journey):
    """R-5.3, R-9.2: POST /staff/cases/{id}/link-duplicate is offered to the IOC, closes the duplicate and
    records the link on the original; a wrong code is a field error."""
    original = journey.routed()
    duplicate = journey.received()
    case = api.get(f"{API}/staff/cases/{duplicate.pk}", **bearer(org.operator)).json()
    assert "link_duplicate" in {a["action"] for a in case["allowed_actions"]}
    path = f"/staff/cases/{duplicate.pk}/link-duplicate"
    wrong = post_json(api, path, {"original": "KHONG-CO", "version": case["version"]}, **bearer(org.operator))
    assert wrong.status_code == 422 and "original" in field_errors(wrong)
    done = post_json(
        api, path, {"original": original.tracking_code, "version": case["version"]}, **bearer(org.operator)
    )
    assert done.status_code == 200, done.content
    duplicate.refresh_from_db()
    assert duplicate.state == State.REJECTED
    assert Event.objects.filter(report=original, action="duplicate_linked").exists()
    # The original's case shows those who have the same problem and who follow it.
    post_json(api, f"/reports/{original.tracking_code}/me-too", {"device": "device-aaaa-1"})
    seen = api.get(f"{API}/staff/cases/{original.pk}", **bearer(org.operator)).json()
    assert (seen["me_too_count"], seen["follower_count"]) == (1, 1)  # the duplicate's reporter follows it
    # Not offered to a commune that does not hold it, and refused if tried.
    refused = post_json(
        api,
        path,
        {"original": original.tracking_code, "version": duplicate.version},
        **bearer(org.other_leader),
    )
    assert refused.status_code == 404


@pytest.mark.parametrize(
    "path", ["/reports/X/me-too", "/reports/X/followers", "/reports/X/followers/confirm"]
)
def test_the_endpoints_are_documented(api, path):
    schema = api.get(f"{API}/openapi.json").json()
    assert f"/api/v1{path.replace('/X/', '/{tracking_code}/')}" in schema["paths"]
