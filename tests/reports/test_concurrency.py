"""DESIGN rule 2: two people acting on the same case at once cannot both succeed (compare-and-swap)."""

from __future__ import annotations

import threading
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from pakn.org.models import User
from pakn.reports import services
from pakn.reports.models import Report, State
from pakn.reports.workflow import StaleReport
from tests.conftest import SEED_MIGRATIONS, at, make_user
from tests.reports.conftest import snapshot

NOW = at("2026-03-02 09:00")


@pytest.fixture
def two_leaders(org):
    """The commune's two leaders (a chairman and a vice-chairman), each with his own account (R-3.1)."""
    return org.commune_leader, make_user(org.commune, User.Role.LEADER)


def test_the_second_of_two_leaders_assigning_the_same_case_gets_stale_report(org, journey, two_leaders):
    """R-7.3a: both opened the case before either assigned it; the second assignment is refused."""
    routed = journey.routed()
    first_view, second_view = Report.objects.get(pk=routed.pk), Report.objects.get(pk=routed.pk)
    leader_a, leader_b = two_leaders

    services.report_assign(report=first_view, actor=leader_a, officer=org.officer, now=NOW)
    before = snapshot(routed)
    with pytest.raises(StaleReport, match="vừa được người khác cập nhật"):
        services.report_assign(report=second_view, actor=leader_b, officer=org.officer2, now=NOW)

    assert snapshot(routed) == before
    routed.refresh_from_db()
    assert routed.state == State.IN_PROGRESS and routed.assignee == org.officer
    assert routed.events.filter(action="assign").count() == 1
    assert second_view.state == State.ROUTED  # the loser's copy is left as it was, to reload


def test_a_stale_copy_cannot_act_even_when_the_action_is_allowed_in_the_new_state(org, journey, two_leaders):
    """A mark on an old copy does not overwrite the newer state, though marks are allowed in every state."""
    routed = journey.routed()
    stale = Report.objects.get(pk=routed.pk)
    services.report_assign(report=routed, actor=two_leaders[0], officer=org.officer, now=NOW)
    with pytest.raises(StaleReport):
        services.report_mark(report=stale, actor=two_leaders[1], mark="valuable", now=NOW)
    routed.refresh_from_db()
    assert routed.state == State.IN_PROGRESS and not routed.is_valuable


@pytest.fixture
def reseeded(transactional_db: None) -> None:
    """The rows the data migrations seed, again: an earlier transactional test may have flushed them.

    Not serialized_rollback: after such a flush it fails on the content types the flush recreated.
    """
    for module in SEED_MIGRATIONS:
        import_module(module).seed(apps, None)  # idempotent


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_leaders_assigning_at_once_on_postgresql_one_wins(reseeded, org, journey, two_leaders):
    """R-7.3a on PostgreSQL: two threads, two connections, one barrier; exactly one assignment commits."""
    officers = (org.officer, org.officer2)
    for attempt in range(3):  # a few rounds: each must have exactly one winner
        report = journey.routed()
        outcomes = race(report.pk, [(two_leaders[i], officers[i]) for i in range(2)])
        assert sorted(outcomes) == ["stale", "won"], (attempt, outcomes)
        report.refresh_from_db()
        assert report.state == State.IN_PROGRESS and report.assignee in officers
        assert report.events.filter(action="assign").count() == 1
        assert report.event_count == report.events.count() == 3


def race(pk: int, contenders: list[tuple[User, User]]) -> list[str]:
    """Each (leader, officer) assigns report `pk` in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(contenders))
    outcomes: list[str] = []
    lock = threading.Lock()

    def assign(leader: User, officer: User) -> None:
        try:
            copy = Report.objects.get(pk=pk)
            barrier.wait(timeout=10)
            try:
                services.report_assign(report=copy, actor=leader, officer=officer, now=NOW)
                result = "won"
            except StaleReport:
                result = "stale"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=contender) for contender in contenders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes
