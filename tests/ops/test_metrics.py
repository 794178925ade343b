"""Prometheus metrics (issue 15, item 5): request latency by view, queue depth, undelivered notifications,
overdue steps by agency (R-10.1: overdue cases are watched); never for the public."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from pakn.reports.models import Report

OUTSIDE = "198.51.100.4"


def scrape(client) -> str:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
        if found == labels or (labels and all(found.get(k) == v for k, v in labels.items())):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{labels} not in the metrics:\n{text}")


@pytest.mark.django_db
def test_metrics_are_hidden_from_the_public(client):
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404


@pytest.mark.django_db
@override_settings(PAKN_METRICS_TOKEN="metrics-token-0123456789abcdef")
def test_metrics_for_the_monitoring_token(client):
    response = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer metrics-token-0123456789abcdef"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_request_latency_is_counted_by_view_not_by_path(client, org):
    before = scrape(client)
    try:
        start = value(before, "pakn_http_request_duration_seconds_count", view="portal:list", method="GET")
    except AssertionError:
        start = 0.0
    for _ in range(3):
        assert client.get("/phan-anh/").status_code == 200
    client.get("/phan-anh/KHONG-CO-MA-NAY/")
    text = scrape(client)
    assert (
        value(text, "pakn_http_request_duration_seconds_count", view="portal:list", method="GET") == start + 3
    )
    assert value(text, "pakn_http_requests_total", view="portal:detail", status="404") >= 1
    assert "KHONG-CO-MA-NAY" not in text  # paths (tracking codes, follow-up secrets) never become labels


@pytest.mark.django_db
def test_overdue_steps_by_agency_and_undelivered_notifications(client, submit, org):
    first = submit().report
    submit()
    Report.objects.filter(pk=first.pk).update(due_at=timezone.now() - timedelta(hours=2))
    text = scrape(client)
    assert value(text, "pakn_overdue_steps", agency=first.agency.code) == 1
    pending = value(text, "pakn_notifications_undelivered", status="pending")
    assert pending >= 2  # each submission's SMS to the reporter waits for a worker
    assert value(text, "pakn_notifications_undelivered", status="failed") == 0
    assert value(text, "pakn_queue_pending_tasks") >= 0
    assert "pakn_worker_heartbeat_age_seconds" in text
