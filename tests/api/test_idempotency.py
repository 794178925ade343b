"""Idempotency-Key: a retried POST gets the first response and never a second effect (issue 5)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from pakn.core.idempotency import purge_expired
from pakn.core.models import IdempotencyRecord
from pakn.reports.models import Attachment, Event, Report
from tests.api.conftest import API, bearer, jpeg, post_json, submission_form
from tests.conftest import VALID

KEY = "3f1c2a9e-7b7d-4c55-9d7e-2a3b4c5d6e7f"


def test_the_same_submission_sent_twice_creates_one_report_and_replays_the_first_response(api, org):
    first = api.post(f"{API}/reports", {**submission_form(), "media": [jpeg()]}, HTTP_IDEMPOTENCY_KEY=KEY)
    # A retry re-encodes the multipart body with a new boundary: the fields and file bytes are the same.
    second = api.post(f"{API}/reports", {**submission_form(), "media": [jpeg()]}, HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_stored_response_is_encrypted_because_it_holds_the_secret(api, org):
    response = api.post(f"{API}/reports", submission_form(), HTTP_IDEMPOTENCY_KEY=KEY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM core_idempotencyrecord")
        (stored,) = cursor.fetchone()
    assert response.json()["secret"] not in stored and response.json()["tracking_code"] not in stored


def test_the_same_key_with_a_different_body_is_refused(api, org):
    api.post(f"{API}/reports", submission_form(), HTTP_IDEMPOTENCY_KEY=KEY)
    other = api.post(f"{API}/reports", submission_form(content="Một phản ánh khác"), HTTP_IDEMPOTENCY_KEY=KEY)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Report.objects.count() == 1


def test_without_a_key_each_post_is_a_new_submission(api, org):
    api.post(f"{API}/reports", submission_form())
    api.post(f"{API}/reports", submission_form())
    assert Report.objects.count() == 2


@pytest.mark.parametrize("key", ["short", "có dấu tiếng Việt 12345", "x" * 256])
def test_a_malformed_key_is_a_400(api, org, key):
    response = api.post(f"{API}/reports", submission_form(), HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400 and response.json()["code"] == "invalid_idempotency_key"
    assert not Report.objects.exists()


def test_a_refused_request_does_not_use_up_its_key(api, org):
    """Only successes are remembered: the corrected request may reuse the key."""
    bad = api.post(f"{API}/reports", submission_form(reporter_phone="12"), HTTP_IDEMPOTENCY_KEY=KEY)
    assert bad.status_code == 422 and not IdempotencyRecord.objects.exists()
    good = api.post(f"{API}/reports", submission_form(), HTTP_IDEMPOTENCY_KEY=KEY)
    assert good.status_code == 201 and Report.objects.count() == 1


def test_keys_are_per_client_so_two_staff_may_use_the_same_key(api, org, journey):
    """A key belongs to its user: the same key from another official is another request."""
    a, b = journey.routed(), journey.routed()
    body = {"mark": "valuable", "note": "Phản ánh có giá trị"}
    r1 = post_json(
        api, f"/staff/cases/{a.pk}/marks", body, HTTP_IDEMPOTENCY_KEY=KEY, **bearer(org.commune_leader)
    )
    r2 = post_json(api, f"/staff/cases/{b.pk}/marks", body, HTTP_IDEMPOTENCY_KEY=KEY, **bearer(org.operator))
    assert r1.status_code == r2.status_code == 200
    assert Event.objects.filter(action="mark_valuable").count() == 2


def test_a_retried_workflow_action_is_applied_once(api, org, journey):
    report = journey.routed()
    headers = {"HTTP_IDEMPOTENCY_KEY": KEY, **bearer(org.commune_leader)}
    data = {"officer": org.officer.pk, "version": report.version}
    first = post_json(api, f"/staff/cases/{report.pk}/assign", data, **headers)
    second = post_json(api, f"/staff/cases/{report.pk}/assign", data, **headers)
    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    assert report.events.filter(action="assign").count() == 1


def test_old_keys_are_purged_after_a_day(api, org):
    api.post(f"{API}/reports", submission_form(), HTTP_IDEMPOTENCY_KEY=KEY)
    assert purge_expired(now=timezone.now() + timedelta(hours=23)) == 0
    assert purge_expired(now=timezone.now() + timedelta(hours=25)) == 1
    again = api.post(f"{API}/reports", submission_form(), HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 201 and Report.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_submissions_with_one_key_create_one_report_on_postgresql(org):
    """Two threads, two connections, one barrier: the second waits on the key's unique row, then replays."""
    from django.core.cache import cache

    cache.clear()
    for attempt in range(3):
        key = f"{KEY}-{attempt}"
        barrier = threading.Barrier(2)
        results: list[tuple[int, dict, str]] = []
        lock = threading.Lock()

        def send(key: str = key, barrier=barrier, lock=lock, results=results) -> None:
            try:
                client = Client()
                barrier.wait(timeout=120)  # a deadline for a loaded machine, not a pace
                response = client.post(
                    f"{API}/reports",
                    {**VALID, "category": "ve-sinh-moi-truong", "area": "5977"},
                    HTTP_IDEMPOTENCY_KEY=key,
                )
                with lock:
                    results.append(
                        (response.status_code, response.json(), response.get("Idempotent-Replayed", ""))
                    )
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert [r[0] for r in results] == [201, 201], (attempt, results)
        assert results[0][1] == results[1][1]
        assert sorted(r[2] for r in results) == ["", "true"]
        assert Report.objects.filter(tracking_code=results[0][1]["tracking_code"]).count() == 1
    assert Report.objects.count() == 3
