"""schemathesis against /api/v1/openapi.json, in the suite: bounded and deterministic (derandomized, a few
examples per operation). No response may be a 5xx, and every response must match its declared status,
content type, headers and schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pakn.reports import services
from tests.api.conftest import bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The operations fuzzed: the public reads and submission, the reporter's view, login, the inbox and a case;
# following a report and «Tôi cũng gặp» (issue 14, item 9).
OPERATIONS = (
    r"^(GET /api/v1/(categories|areas|reports|reports/\{tracking_code\}|my/report|staff/inbox"
    r"|staff/cases/\{case_id\}|staff/notifications|auth/tokens)"
    r"|POST /api/v1/(reports|auth/token|staff/cases/\{case_id\}/(reject|marks|link-duplicate)|my/report/rating"
    r"|reports/\{tracking_code\}/(me-too|followers|followers/confirm)|followers/unsubscribe))$"
)


def _load() -> Any:
    from pakn.wsgi import application

    # The document is generated without the database, so it can be loaded when the tests are collected.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(name_regex=OPERATIONS)


schema = _load()


@pytest.fixture
def keep_test_connection() -> Any:
    """The WSGI app is called directly (not through Django's test client), so, like that client, keep it from
    closing the test's database connection at the end of each request (PostgreSQL would lose the test's
    transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(org: Any, journey: Any, settings: Any, keep_test_connection: Any) -> dict[str, str]:
    """A routed report (so some generated ids exist) and the headers of an operator and its reporter."""
    settings.PAKN_API_RATES = {k: (100_000, 60) for k in ("read", "submit", "reporter", "login")}
    sub = journey._submit()
    services.report_forward(report=sub.report, actor=org.operator)
    return {**_header(bearer(org.operator)), "X-Report-Secret": sub.secret}


def _header(meta: dict[str, str]) -> dict[str, str]:
    return {"Authorization": meta["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_honours_its_openapi_document(case: Any, credentials: dict[str, str]) -> None:
    case.call_and_validate(headers=credentials, checks=CHECKS)
