"""Structured logs (issue 15, item 6): JSON lines with a request id, one per request and per background job,
and none of the reporter's personal data anywhere in them (R-3.2)."""

from __future__ import annotations

import io
import json
import logging
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from pakn.core.logs import JsonFormatter, RequestIdFilter, scrub
from tests.core.journey import Reporter, StaffApp, deliver_all, portal_submit, reporter_rate, staff_handle


@pytest.fixture
def captured(settings: Any) -> Iterator[io.StringIO]:
    """Every log line written with PAKN_LOG_LEVEL=DEBUG (SQL statements included), formatted as in production.

    Loggers the settings pin to a level of their own keep it (as they would in production); every other
    logger, and every library's, writes at DEBUG.
    """
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.setLevel(logging.DEBUG)
    pinned = {name for name, config in settings.LOGGING["loggers"].items() if "level" in config}
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        if logger.name not in pinned:
            logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(handler)
    connection.force_debug_cursor = True
    try:
        yield stream
    finally:
        connection.force_debug_cursor = False
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            if handler in logger.handlers:
                logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _plain(text: str) -> str:
    """Without diacritics (đ → d), as an SMS in ASCII or a careless log might write it."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _forbidden(reporter: Reporter, secret: str) -> list[str]:
    values = [
        reporter.name,
        reporter.id_number,
        reporter.address,
        reporter.email,
        secret,
        *reporter.phone_forms(),
    ]
    values += [_plain(reporter.name), _plain(reporter.address), quote(reporter.email), quote(reporter.name)]
    values += reporter.name.split()[-2:]  # the given names alone
    return values


@pytest.mark.django_db(transaction=True)
def test_the_whole_journey_logs_no_personal_data(org, captured, settings, tmp_path):
    """R-3.2: name, phone (every format), ID number, address, e-mail and follow-up secret appear in no line."""
    settings.MEDIA_ROOT = tmp_path / "media"
    reporter = Reporter()
    staff = {"operator": org.operator, "leader": org.commune_leader, "officer": org.officer}
    outcome = portal_submit(area=org.commune_area, category=org.category, reporter=reporter)
    staff_handle(outcome, **staff)
    reporter_rate(outcome)
    # What else may carry personal data: staff searching by phone and ID, the private page, a wrong secret,
    # a failed login with the reporter's e-mail as user name.
    ioc = StaffApp(org.operator)
    for query in (reporter.phone, reporter.id_number, reporter.email):
        assert ioc.client.get("/api/v1/staff/inbox", {"q": query}, **ioc.headers).status_code == 200
    browser = Client()
    assert browser.get(reverse("portal:follow_up", args=[outcome.secret])).status_code == 200
    assert browser.get(reverse("portal:follow_up", args=[outcome.secret + "x"])).status_code == 404
    Client().post(
        "/api/v1/auth/token",
        {"username": reporter.email, "password": reporter.phone, "device_name": reporter.name},
        content_type="application/json",
    )
    counts = deliver_all()
    assert set(counts) == {"sent"} and counts["sent"] >= 6  # SMS, e-mail to the reporter; staff notices

    text = captured.getvalue()
    lines = _lines(captured)
    assert len(lines) > 50
    leaks = [value for value in _forbidden(reporter, outcome.secret) if value.lower() in text.lower()]
    assert leaks == []
    assert all(line["request_id"] for line in lines)

    requests = [line for line in lines if line["logger"] == "pakn.request"]
    rate = [line for line in requests if line["route"] == "theo-doi/<str:secret>/danh-gia/"]
    assert len(rate) == 1 and rate[0]["method"] == "POST" and rate[0]["status"] == 302
    assert rate[0]["view"] == "portal:follow_up_rate" and rate[0]["duration_ms"] >= 0
    assert {line["status"] for line in requests} >= {200, 201, 302, 404}
    # Lines written during a request carry its id: its SQL statements, for one.
    sql_ids = {line["request_id"] for line in lines if line["logger"] == "django.db.backends"}
    assert {line["request_id"] for line in requests} <= sql_ids | {"-"}

    jobs = [line for line in lines if line["logger"] == "pakn.job"]
    assert jobs and {line["outcome"] for line in jobs} == {"complete"}
    assert any(line["task"].endswith("deliver_outbox") for line in jobs)
    assert all(line["request_id"] == f"job-{line['task_id']}" for line in jobs)


def test_one_line_per_request_with_the_callers_request_id(db, captured):
    """A request id from the proxy (nginx $request_id) is kept and echoed; a malformed one is replaced."""
    response = Client().get(reverse("portal:lookup"), HTTP_X_REQUEST_ID="0123456789abcdef0123")
    assert response["X-Request-ID"] == "0123456789abcdef0123"
    forged = Client().get(reverse("portal:lookup"), HTTP_X_REQUEST_ID='x"; injected')
    assert len(forged["X-Request-ID"]) == 32 and forged["X-Request-ID"] != 'x"; injected'
    requests = [line for line in _lines(captured) if line["logger"] == "pakn.request"]
    assert [(line["request_id"], line["route"], line["status"]) for line in requests] == [
        ("0123456789abcdef0123", "tra-cuu/", 200),
        (forged["X-Request-ID"], "tra-cuu/", 200),
    ]
    assert requests[0]["msg"] == "GET tra-cuu/ 200" and requests[0]["view"] == "portal:lookup"


def test_an_unknown_path_is_not_written_to_the_log(db, captured):
    """A path that matches no URL may be anything a client typed: only "-" is logged as its route."""
    Client().get("/khong-co/0987654321/nguyen-van-a/")
    lines = _lines(captured)
    request = next(line for line in lines if line["logger"] == "pakn.request")
    assert (request["route"], request["status"]) == ("-", 404)
    assert "nguyen-van-a" not in captured.getvalue() and "0987654321" not in captured.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gọi 0987 654 321 hoặc +84 987.654.321", "gọi [number] hoặc [number]"),
        ("CCCD 038190012345, CMND 123456789", "CCCD [number], CMND [number]"),
        ("thư a.b+c@example.vn", "thư [email]"),
        ("Not Found: /theo-doi/AbC_dEf-123/danh-gia/", "Not Found: /theo-doi/[secret]/danh-gia/"),
        ("at 2026-12-01 05:03:48.771364+00:00, report 42", "at 2026-12-01 05:03:48.771364+00:00, report 42"),
        (
            "{'request': <WSGIRequest: GET '/khong-co/nguyen-van-a/'>}",
            "{'request': <WSGIRequest: GET [path]>}",
        ),
    ],
)
def test_free_text_is_scrubbed_of_what_looks_like_personal_data(text, expected):
    assert scrub(text) == expected


def test_a_background_job_writes_one_line_with_its_outcome(db, captured):
    """One line per job (huey task), with its name, id, outcome and duration; a failure at ERROR."""
    from huey.contrib.djhuey import task

    @task()
    def failing_job() -> None:
        raise RuntimeError("boom for 0987654321")

    failing_job()
    jobs = [line for line in _lines(captured) if line["logger"] == "pakn.job"]
    assert len(jobs) == 1
    assert (jobs[0]["outcome"], jobs[0]["level"]) == ("error", "ERROR")
    assert jobs[0]["task"].endswith("failing_job") and jobs[0]["msg"].endswith(": RuntimeError")
    assert "0987654321" not in captured.getvalue()
