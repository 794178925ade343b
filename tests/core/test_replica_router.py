"""The replica router's rules (issue 15, item 4), without a replica: which reads may go there and which never.
The real streaming replica is exercised by tests/deploy/test_replica.py."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import RequestFactory

from pakn.core import replica
from pakn.org.models import Agency
from pakn.reports.models import Report


@pytest.fixture
def reading():
    token = replica._reading_from_replica.set(True)
    wrote = replica._wrote.set(False)
    yield replica.ReplicaRouter()
    replica._wrote.reset(wrote)
    replica._reading_from_replica.reset(token)


def test_without_a_replica_request_context_everything_reads_the_primary():
    router = replica.ReplicaRouter()
    assert router.db_for_read(Report) is None


def test_domain_tables_read_from_the_replica_in_an_eligible_request(reading):
    assert reading.db_for_read(Report) == "replica"
    assert reading.db_for_read(Agency) == "replica"


def test_sessions_never_read_from_the_replica(reading):
    assert reading.db_for_read(Session) is None


def test_after_a_write_the_request_reads_the_primary(reading):
    assert reading.db_for_write(Report) == "default"
    assert reading.db_for_read(Report) is None


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_stay_on_the_primary(reading):
    from django.db import transaction

    with transaction.atomic():
        assert reading.db_for_read(Report) is None
    assert reading.db_for_read(Report) == "replica"


def test_migrations_run_on_the_primary_only():
    router = replica.ReplicaRouter()
    assert router.allow_migrate("default", "reports") is True
    assert router.allow_migrate("replica", "reports") is False


@pytest.mark.parametrize(
    ("method", "path", "cookie", "eligible"),
    [
        ("GET", "/phan-anh/", False, True),
        ("GET", "/du-lieu-mo/phan-anh.json", False, True),
        ("GET", "/api/v1/reports", False, True),
        ("GET", "/api/v1/reports/ABCD-EFGH", False, True),
        ("GET", "/phan-anh/", True, False),  # pinned: this client has just written
        ("POST", "/api/v1/reports", False, False),
        ("GET", "/api/v1/my/report", False, False),  # the reporter's own case
        ("GET", "/console/", False, False),
    ],
)
def test_which_requests_may_read_from_the_replica(method, path, cookie, eligible):
    from django.urls import resolve

    request = RequestFactory().generic(method, path)
    if cookie:
        request.COOKIES[replica.PIN_COOKIE] = "1"
    request.resolver_match = resolve(path)
    assert replica.replica_eligible(request) is eligible
