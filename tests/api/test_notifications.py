"""The API's staff notifications are the console's (issue 12): one feed, the same rows, due-soon warnings
included, one read state (R-7, R-10.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pakn.notify.deadlines import due_soon_scan
from pakn.notify.models import Kind, Notification
from pakn.notify.selectors import notifications_for, unread_count
from pakn.reports import services
from tests.api.conftest import API, bearer
from tests.conftest import at

pytestmark = pytest.mark.django_db
FEED = f"{API}/staff/notifications"


def test_the_feed_is_the_consoles_bell_with_its_due_soon_warning(
    api, org, journey, django_capture_on_commit_callbacks
):
    """The officer is told he was assigned, then warned when 3/4 of the step's time has passed."""
    with django_capture_on_commit_callbacks(execute=True):
        report = journey.in_progress(start=at("2026-03-02 08:00"))
    # Assigned Monday 08:20; handling takes 1 working day (R-7.3a): due Tuesday 08:20.
    assert (report.step_started_at, report.due_at) == (at("2026-03-02 08:20"), at("2026-03-03 08:20"))
    almost = report.step_started_at + (report.due_at - report.step_started_at) * 0.8
    with django_capture_on_commit_callbacks(execute=True):
        assert due_soon_scan(now=almost) == 1
    body = api.get(FEED, **bearer(org.officer)).json()
    bell = list(notifications_for(org.officer))
    assert [n["id"] for n in body["items"]] == [n.pk for n in bell]
    assert [n["kind"] for n in body["items"]] == [Kind.DUE_SOON, Kind.ASSIGNED]
    assert [n["title"] for n in body["items"]] == [n.title for n in bell]
    assert {n["tracking_code"] for n in body["items"]} == {report.tracking_code}
    assert {n["case_id"] for n in body["items"]} == {report.pk}
    assert body["unread"] == unread_count(org.officer) == 2
    assert body["items"][0]["url"].startswith("http://testserver/")


def test_reading_through_the_api_is_reading_in_the_console(
    api, org, journey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        journey.in_progress(start=at("2026-03-02 08:00"))
    first = Notification.objects.get(user=org.officer)
    response = api.post(f"{FEED}/{first.pk}/read", **bearer(org.officer))
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert unread_count(org.officer) == 0
    assert api.get(FEED, {"unread": "true"}, **bearer(org.officer)).json() == {
        "items": [],
        "next_cursor": None,
        "unread": 0,
        "needs_action": 1,  # read, but the officer still has the case to handle (issue 14, item 7)
    }


def test_read_all_and_someone_elses_notification(api, org, journey, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = journey.in_progress(start=at("2026-03-02 08:00"))
        services.report_submit_result(
            report=report, actor=org.officer, result_text="Đã vá.", now=at("2026-03-02 10:00")
        )
    leaders = Notification.objects.filter(user=org.commune_leader)
    assert leaders.count() >= 1
    mine = api.post(f"{FEED}/{leaders.first().pk}/read", **bearer(org.officer))  # type: ignore[union-attr]
    assert mine.status_code == 404 and leaders.filter(read_at__isnull=True).count() == leaders.count()
    marked = api.post(f"{FEED}/read-all", **bearer(org.commune_leader)).json()["marked"]
    assert marked == leaders.count() and unread_count(org.commune_leader) == 0


def test_the_feed_pages_newest_first_with_a_cursor(api, org, journey, django_capture_on_commit_callbacks):
    for i in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            journey.in_progress(start=at("2026-03-02 08:00") + timedelta(days=7 * i))
    first = api.get(FEED, {"limit": 2}, **bearer(org.officer)).json()
    rest = api.get(FEED, {"limit": 2, "cursor": first["next_cursor"]}, **bearer(org.officer)).json()
    ids = [n["id"] for n in first["items"] + rest["items"]]
    assert ids == [n.pk for n in notifications_for(org.officer)] and len(ids) == 3
    assert rest["next_cursor"] is None
