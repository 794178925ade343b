"""Prometheus metrics: request latency by view (every web process), and the state of the service read from the
database and the queue at each scrape (queue depth, undelivered notifications, overdue steps by agency).

Under gunicorn each web process counts its own requests; `pakn serve` points PROMETHEUS_MULTIPROC_DIR at a
directory of this node so that one scrape adds up every process of the node (prometheus_client's
multiprocess mode).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_SECONDS = Histogram(
    "pakn_http_request_duration_seconds",
    "Time to answer a request, by view",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter("pakn_http_requests", "Requests answered, by view and status code", ["view", "status"])


def _view_name(request: HttpRequest) -> str:
    """The URL pattern's name (a bounded set), never the path: paths hold tracking codes and secrets."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or getattr(match.func, "__name__", "<unnamed>")


class MetricsMiddleware:
    """Times every request (outermost, so the time includes the other middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        view = _view_name(request)
        REQUEST_SECONDS.labels(view, request.method or "").observe(time.perf_counter() - start)
        REQUESTS.labels(view, str(response.status_code)).inc()
        return response


class ServiceCollector:
    """Gauges computed from the database and the queue when Prometheus scrapes."""

    def collect(self) -> Iterator[Metric]:
        from huey.contrib.djhuey import HUEY

        from pakn.notify.models import Delivery
        from pakn.ops.health import heartbeat, oldest_due_delivery_seconds
        from pakn.reports.models import OPEN_STATES, Report

        now = timezone.now()
        queue = GaugeMetricFamily("pakn_queue_pending_tasks", "Tasks waiting in the huey queue")
        queue.add_metric([], HUEY.pending_count())
        yield queue

        undelivered = GaugeMetricFamily(
            "pakn_notifications_undelivered", "Notifications not delivered yet, by status", labels=["status"]
        )
        counts = dict(
            Delivery.objects.filter(
                status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.FAILED]
            )
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.FAILED):
            undelivered.add_metric([str(status)], counts.get(status, 0))
        yield undelivered

        oldest = GaugeMetricFamily(
            "pakn_notifications_oldest_due_seconds", "How long the oldest due notification has waited"
        )
        oldest.add_metric([], oldest_due_delivery_seconds(now))
        yield oldest

        overdue = GaugeMetricFamily(
            "pakn_overdue_steps",
            "Open cases past the deadline of their current step, by agency",
            labels=["agency"],
        )
        rows = (
            Report.objects.filter(state__in=OPEN_STATES, due_at__lt=now, agency__isnull=False)
            .values_list("agency__code")
            .annotate(n=Count("pk"))
            .values_list("agency__code", "n")
            .order_by("agency__code")
        )
        for code, n in rows:
            overdue.add_metric([code], n)
        yield overdue

        beat = heartbeat()
        age = GaugeMetricFamily(
            "pakn_worker_heartbeat_age_seconds", "Seconds since a worker last reported (NaN: never)"
        )
        age.add_metric([], time.time() - float(beat["at"]) if beat else float("nan"))
        yield age


def exposition() -> bytes:
    """The text exposition of one scrape: request metrics of every process of this node, then the service's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests_registry: Any = CollectorRegistry()
        MultiProcessCollector(requests_registry)
    else:
        requests_registry = REGISTRY
    service = CollectorRegistry(auto_describe=False)
    service.register(ServiceCollector())  # type: ignore[arg-type]
    return generate_latest(requests_registry) + generate_latest(service)
