"""The done tab read as disjoint parts (issue 13): for every role its pages and its count hold exactly the
closed cases in the viewer's scope that his agencies hold, that were assigned to him or that he acted on
(R-3.2, R-14.2: never more than report_scope)."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.utils import timezone

from pakn.org.models import User
from pakn.reports import inbox as selectors
from pakn.reports import services
from pakn.reports.models import CLOSED_STATES, Event, OpinionRequest, Report
from pakn.reports.selectors import report_scope
from tests.console.conftest import Cases
from tests.console.test_access import person

pytestmark = pytest.mark.django_db

PEOPLE = ["operator", "ioc_leader", "supervisor", "commune_leader", "officer", "officer2", "other_leader",
          "district_leader", "district_officer", "specialist0", "specialist1", "admin"]  # fmt: skip


def expected_done(viewer: User) -> set[int]:
    """The done tab as one condition, as it was written before it was split."""
    scope = report_scope(viewer)
    if viewer.role == User.Role.SPECIALIST:
        answered = OpinionRequest.objects.filter(department_id=viewer.agency_id, answered_at__isnull=False)
        return set(scope.filter(pk__in=answered.values("report_id")).values_list("pk", flat=True))
    ids = selectors.watched_agency_ids(viewer)
    closed = scope.filter(state__in=CLOSED_STATES)
    if ids is not None:
        mine = Event.objects.filter(actor_id=viewer.pk).values("report_id")
        closed = closed.filter(Q(agency_id__in=ids) | Q(assignee_id=viewer.pk) | Q(pk__in=mine))
    return set(closed.values_list("pk", flat=True))


def every_page(viewer: User) -> list[int]:
    now = timezone.now()
    seen: list[int] = []
    after = None
    while True:
        page = selectors.inbox_page(
            viewer=viewer,
            tab="done",
            filters=selectors.InboxFilters(),
            now=now,
            soon=now,
            after=after,
            size=2,
        )
        seen += [r.pk for r in page.rows]
        if not page.next_cursor:
            return seen
        after = page.next_cursor


def test_the_done_tab_is_the_same_set_for_every_role(org2022, cases2022: Cases):
    here, elsewhere = cases2022.resolved(), cases2022.resolved(area=org2022.other_commune.area)
    escalated = cases2022.coordinating()
    services.report_give_opinion(report=escalated, actor=org2022.specialist(0), answer="Đồng ý.")
    services.report_publish_result(report=escalated, actor=org2022.operator, result_text="Đã giải quyết.")
    rejected = cases2022.received()
    services.report_reject(report=rejected, actor=org2022.operator, note="Không thuộc phạm vi.")
    cases2022.in_progress()  # open: never in the done tab
    closed = {here.pk, elsewhere.pk, escalated.pk, rejected.pk}
    assert set(Report.objects.filter(state__in=CLOSED_STATES).values_list("pk", flat=True)) == closed
    for key in PEOPLE:
        viewer = person(org2022, key)
        expected = expected_done(viewer)
        rows = every_page(viewer)
        assert len(rows) == len(set(rows)), key  # no case twice across the parts
        assert set(rows) == expected, key
        assert rows == sorted(rows, reverse=True), key  # newest first across the parts
        counts = {c.key: c.count for c in selectors.inbox_counts(
            viewer=viewer, filters=selectors.InboxFilters(), now=timezone.now(), soon=timezone.now())}  # fmt: skip
        assert counts["done"] == len(expected), key
    # The leaders of the chain keep the escalated case they acted on, though the IOC holds it now.
    assert escalated.pk in expected_done(org2022.commune_leader)
    assert escalated.pk in expected_done(org2022.specialist(0))
