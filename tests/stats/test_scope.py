"""R-14.2, R-10.1: a leader sees his agency and those below it, never another's; on the 2022 data the
district's leader sees its communes, a commune's leader only his commune."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pakn.org.models import Agency, Area, User
from pakn.reports import services
from pakn.stats import figures as F
from pakn.stats.periods import month
from pakn.stats.scope import home_scope, scope_for
from tests.conftest import VALID, at, make_user

APRIL = month(2026, 4)


@pytest.fixture
def two_districts(org2022):
    """Case A: commune C (district D) escalates to D, which resolves it. Case B: a commune X of another
    district E resolves its own case."""
    org = org2022
    d = org.district
    x_area = (
        Area.objects.filter(dataset="2022", kind=Area.Kind.COMMUNE)
        .exclude(parent__code="178")
        .order_by("code")
        .first()
    )
    x = Agency.objects.get(area=x_area, kind=Agency.Kind.COMMUNE)
    e = x.parent
    people = {
        "d": org.district_leader,
        "d_officer": org.district_officer,
        "x": make_user(x, User.Role.LEADER),
        "x_officer": make_user(x, User.Role.OFFICER),
        "e": make_user(e, User.Role.LEADER),
    }
    a = services.report_submit(
        category=org.category, area=org.commune_area, now=at("2026-04-06 08:00"), **VALID
    ).report
    services.report_forward(report=a, actor=org.operator, now=at("2026-04-06 08:10"))
    services.report_escalate(
        report=a, actor=org.commune_leader, note="Vượt thẩm quyền.", now=at("2026-04-06 09:00")
    )
    services.report_assign(
        report=a, actor=people["d"], officer=people["d_officer"], now=at("2026-04-06 09:30")
    )
    services.report_submit_result(
        report=a, actor=people["d_officer"], result_text="Xong.", now=at("2026-04-06 14:00")
    )
    services.report_approve(report=a, actor=people["d"], now=at("2026-04-06 15:00"))
    b = services.report_submit(category=org.category, area=x_area, now=at("2026-04-07 08:00"), **VALID).report
    services.report_forward(report=b, actor=org.operator, now=at("2026-04-07 08:10"))
    services.report_assign(
        report=b, actor=people["x"], officer=people["x_officer"], now=at("2026-04-07 08:20")
    )
    services.report_submit_result(
        report=b, actor=people["x_officer"], result_text="Xong.", now=at("2026-04-07 10:00")
    )
    services.report_approve(report=b, actor=people["x"], now=at("2026-04-07 11:00"))
    return org, people, {"d": d, "e": e, "x": x, "c": org.commune}, (a, b)


def test_the_district_leader_sees_his_communes_and_not_another_district(two_districts):
    _org, people, agencies, (a, _b) = two_districts
    scope = home_scope(people["d"])
    assert (
        scope is not None
        and agencies["c"].pk in scope.agency_ids
        and agencies["x"].pk not in scope.agency_ids
    )
    t = F.totals(scope, APRIL, at("2026-05-01 00:00"))
    assert (t.received, t.handled, t.late) == (1, 1, 0)
    assert set(F.figure_reports("received", scope, APRIL).values_list("pk", flat=True)) == {a.pk}
    assert set(F.per_agency(scope, APRIL)) == {agencies["d"].pk, agencies["c"].pk}


def test_the_commune_leader_sees_only_his_commune(two_districts):
    org, _people, agencies, (_a, _b) = two_districts
    scope = home_scope(org.commune_leader)
    assert scope is not None and scope.agency_ids == frozenset({agencies["c"].pk})
    t = F.totals(scope, APRIL, at("2026-05-01 00:00"))
    assert (t.received, t.handled) == (1, 0)  # the district gave the result
    with pytest.raises(PermissionDenied):
        scope_for(org.commune_leader, agencies["d"].pk)


def test_asking_for_another_district_is_refused(two_districts):
    _org, people, agencies, _ = two_districts
    for target in ("e", "x"):
        with pytest.raises(PermissionDenied):
            scope_for(people["d"], agencies[target].pk)
    narrowed = scope_for(people["d"], agencies["c"].pk)
    assert narrowed.agency_ids == frozenset({agencies["c"].pk})


def test_the_supervisor_sees_both(two_districts):
    org, _people, agencies, (_a, b) = two_districts
    scope = home_scope(org.supervisor)
    assert scope is not None and scope.is_province
    assert F.totals(scope, APRIL, at("2026-05-01 00:00")).handled == 2
    e_scope = scope_for(org.supervisor, agencies["e"].pk)
    assert set(F.figure_reports("handled", e_scope, APRIL).values_list("pk", flat=True)) == {b.pk}


def test_pages_of_the_district_leader_never_name_the_other_district(client, two_districts):
    _org, people, agencies, (a, b) = two_districts
    client.force_login(people["d"])
    params = {"period": "month", "year": "2026", "month": "4"}
    with time_machine.travel(at("2026-05-15 10:00"), tick=False):
        for name in ("dashboard", "periodic", "late", "ranking"):
            html = client.get(reverse(f"stats:{name}"), params).content.decode()
            assert agencies["x"].name not in html and agencies["e"].name not in html
            assert b.tracking_code not in html
        listing = client.get(reverse("stats:reports"), {**params, "figure": "handled"}).content.decode()
        assert a.tracking_code in listing and b.tracking_code not in listing
        refused = client.get(reverse("stats:periodic"), {**params, "agency": agencies["e"].pk})
        assert refused.status_code == 403


def test_ioc_staff_see_the_province(org):
    operator = org.operator
    scope = home_scope(operator)
    assert scope is not None and scope.is_province


def test_officers_and_specialists_see_no_statistics(org):
    assert home_scope(org.officer) is None
    assert home_scope(org.specialist(0)) is None
