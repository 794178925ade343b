"""Public Open311 reads are cached on the version of the public data, with ETag / Last-Modified and 304
(issue 13); any change a public page can show is seen at once (R-9.2: the public record stays true)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pakn.open311.models import ApiClient
from pakn.open311.services import client_for_key
from pakn.reports import services
from pakn.reports.freshness import public_version
from tests.open311.conftest import BASE
from tests.open311.test_requests import jpeg_bytes

LIST = f"{BASE}/requests.json?page_size=50"


@pytest.fixture
def cached(settings):
    settings.PAKN_PUBLIC_CACHE_SECONDS = 30


def codes(response) -> list[str]:
    return [item["service_request_id"] for item in response.json()]


def test_a_list_carries_validators_and_answers_304_to_a_client_that_has_it(o311, org, submit, cached):
    report = submit().report
    first = o311.get(LIST)
    assert first.status_code == 200 and codes(first) == [report.tracking_code]
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    assert first["Last-Modified"].endswith(" GMT")
    again = o311.get(LIST, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    other = o311.get(f"{BASE}/requests.xml?page_size=50", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another document, another tag


def test_a_cached_list_costs_one_query_for_the_version(o311, org, submit, cached):
    submit()
    submit()
    o311.get(LIST)
    with CaptureQueriesContext(connection) as ctx:
        response = o311.get(LIST)
    assert response.status_code == 200 and len(codes(response)) == 2
    assert len(ctx.captured_queries) == 1
    assert "MAX" in ctx.captured_queries[0]["sql"]


def test_a_new_report_is_listed_at_once_with_a_new_tag(o311, org, submit, cached):
    first = submit().report
    before = o311.get(LIST)
    second = submit().report
    after = o311.get(LIST, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert codes(after) == [second.tracking_code, first.tracking_code]
    assert after["ETag"] != before["ETag"]


def test_a_workflow_step_shows_at_once_in_the_list_and_the_detail(o311, org, submit, cached):
    report = submit().report
    detail = f"{BASE}/requests/{report.tracking_code}.json"
    assert o311.get(LIST).json()[0]["status_notes"] == "Chờ tiếp nhận"
    assert o311.get(detail).json()[0]["agency_responsible"] == org.ioc.name
    services.report_forward(report=report, actor=org.operator)
    assert o311.get(LIST).json()[0]["status_notes"] == "Chờ phân công"
    assert o311.get(detail).json()[0]["agency_responsible"] == org.commune.name


def test_a_state_secret_marked_after_caching_leaves_the_list_at_once(o311, org, submit, cached):
    """R-9.2: a report marked secret must not linger in a cached page."""
    report = submit().report
    assert codes(o311.get(LIST)) == [report.tracking_code]
    services.report_mark(
        report=report, actor=org.operator, mark="state_secret", now=timezone.now() + timedelta(seconds=1)
    )
    assert codes(o311.get(LIST)) == []


def test_the_version_moves_with_events_report_updates_and_attachments(org, submit):
    from pakn.reports.media import attachment_add

    start = public_version()
    report = submit().report
    submitted = public_version()
    assert submitted.token != start.token and submitted.last_modified is not None
    attachment_add(report=report, upload=SimpleUploadedFile("a.jpg", jpeg_bytes()), by_reporter=True)
    attached = public_version()
    assert attached.token != submitted.token
    type(report).objects.filter(pk=report.pk).update(updated_at=timezone.now() + timedelta(minutes=1))
    assert public_version().token != attached.token


def test_errors_are_not_cached(o311, org, cached):
    missing = o311.get(f"{BASE}/requests/ABCD-EFGH.json")
    assert missing.status_code == 404 and "ETag" not in missing


def test_a_clients_last_use_is_written_at_most_once_a_minute(org, api_key):
    now = timezone.now()
    client = client_for_key(api_key, now=now)
    assert client is not None
    with CaptureQueriesContext(connection) as ctx:
        client_for_key(api_key, now=now + timedelta(seconds=30))
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT"]
    assert ApiClient.objects.get(pk=client.pk).last_used_at == now
    client_for_key(api_key, now=now + timedelta(minutes=2))
    assert ApiClient.objects.get(pk=client.pk).last_used_at == now + timedelta(minutes=2)


def test_a_post_looks_up_its_service_and_commune_once(o311, org, api_key):
    from tests.open311.test_requests import COMPLETE

    with CaptureQueriesContext(connection) as ctx:
        response = o311.post(f"{BASE}/requests.json", {**COMPLETE, "api_key": api_key})
    assert response.status_code == 201
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "org_category"' in q for q in selects) == 1
    assert sum('FROM "org_area"' in q and '"org_area"."code" =' in q for q in selects) == 1


def test_a_page_this_process_served_is_not_read_from_the_shared_cache_again(o311, org, submit, cached):
    """Each process keeps its last pages under the same versioned key (no round trip to Redis), only until the
    shared copy expires; a new version is never served from them."""
    from unittest import mock

    from django.core.cache import cache

    from pakn.reports import freshness

    first = submit().report
    assert codes(o311.get(LIST)) == [first.tracking_code]
    with mock.patch.object(cache, "get", side_effect=AssertionError("no shared read")):
        assert codes(o311.get(LIST)) == [first.tracking_code]
    second = submit().report
    assert codes(o311.get(LIST)) == [second.tracking_code, first.tracking_code]
    with mock.patch.object(freshness.time, "time", return_value=freshness.time.time() + 31):
        assert all(expiry < freshness.time.time() + 31 for expiry, _ in freshness._local.values())


def test_a_post_without_media_is_one_transaction_and_reads_no_calendar(o311, org, api_key):
    """Issue 13: no savepoint around a submission without media; the 1-hour triage deadline needs no
    CalendarOverride read; a new report has no notification to close nor any device to notify yet."""
    from tests.open311.test_requests import COMPLETE

    with CaptureQueriesContext(connection) as ctx:
        response = o311.post(f"{BASE}/requests.json", {**COMPLETE, "api_key": api_key})
    assert response.status_code == 201
    sql = [q["sql"] for q in ctx.captured_queries]
    # report_submit's own transaction (a savepoint in the test's), and no second one around it.
    assert sum(q.startswith("SAVEPOINT") for q in sql) == 1
    for table in ("workdays_calendaroverride", "notify_notification", "notify_pushsubscription"):
        assert not any(f'FROM "{table}"' in q for q in sql), table
    assert sum(q.startswith('INSERT INTO "notify_outboxmessage"') for q in sql) == 1
