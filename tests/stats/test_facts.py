"""The figures computed from the facts (pakn.stats) equal those computed from the timeline (the reference
implementation kept in tests/stats/reference: the code before the facts), for every figure, on the data set
computed by hand and on random workflow paths through the real services (hypothesis), by month, quarter,
year and range, for the province and for an agency's scope (R-10.3, R-12.1, R-13.2, R-14.4; issue 13)."""

from __future__ import annotations

import random
from dataclasses import asdict, is_dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pakn.org.models import User
from pakn.reports import sweeps, workflow
from pakn.reports.actions import allowed_actions
from pakn.reports.models import Report
from pakn.reports.workflow import ReporterActor
from pakn.stats import factsync, people, quality, series
from pakn.stats import figures as F
from pakn.stats.periods import Period, date_range, month, quarter, year
from pakn.stats.scope import PROVINCE, Scope
from tests.conftest import at
from tests.stats.reference import figures as RF
from tests.stats.reference import people as RP
from tests.stats.reference import quality as RQ
from tests.stats.reference import series as RS

PERIODS = [
    month(2026, 3),
    month(2026, 4),
    month(2026, 5),
    month(2026, 6),
    quarter(2026, 2),
    year(2026),
    date_range(at("2026-04-06 00:00").date(), at("2026-04-29 00:00").date()),
]


def scopes(org: Any) -> list[Scope]:
    c1 = org.commune
    found = [PROVINCE, Scope(c1, frozenset({c1.pk}), exact=True), Scope(org.ioc, frozenset({org.ioc.pk}))]
    if org.district is not None:  # a district leader's scope: the district and its communes
        found.append(Scope(org.district, frozenset({org.district.pk, c1.pk, org.other_commune.pk})))
    return found


def plain(value: Any) -> Any:
    """Dataclasses as dicts (the reference defines its own classes), recursively."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def same(new: Any, old: Any, where: Any) -> None:
    assert plain(new) == plain(old), where


def ids(queryset: Any) -> set[int]:
    return {next(iter(row.values())) for row in queryset}


def late_rows(rows: Any) -> list[tuple[Any, ...]]:
    return [(r.holder_at, r.due_at_then, r.state_at, r.step_at, r.overdue_at_then) for r in rows]


def assert_same(scope: Scope, period: Period, now: datetime) -> None:
    """Every figure of `scope` and `period`, both ways."""
    moment = period.cutoff(now)
    where = f"{scope.label} {period.slug} now={now}"
    new, old = F.breakdown(scope, period, now), RF.breakdown(scope, period, now)
    same(new.totals, old.totals, where)
    for dimension, rows in old.dimensions.items():
        same(new.dimensions[dimension], rows, (where, dimension))
    same(F.totals(scope, period, now), RF.totals(scope, period, now), where)
    same(F.per_agency(scope, period, now), RF.per_agency(scope, period, now), where)
    for figure in ("received", "handled", "late", "on_time", "open", "overdue", "rejected", "cancelled"):
        new = ids(F.figure_report_ids(figure, scope, period, now))
        assert new == ids(RF.figure_report_ids(figure, scope, period, now)), (where, figure)
    same(quality.steps_on_time(scope, period), RQ.steps_on_time(scope, period), where)
    same(quality.satisfaction(scope, period), RQ.satisfaction(scope, period), where)
    same(quality.handling_time(scope, period), RQ.handling_time(scope, period), where)
    assert late_rows(quality.late_pending(scope, period, now)) == late_rows(
        RQ.late_pending(scope, period, now)
    ), where
    assert series.received_per_day(scope, period) == RS.received_per_day(scope, period), where
    for dimension in F.DIMENSIONS:
        assert series.received_by(dimension, scope, period) == RS.received_by(dimension, scope, period)
    assert series.received_by_state(scope, period) == RS.received_by_state(scope, period), where
    same(series.received_map(scope, period), RS.received_map(scope, period), where)
    assert people.overdue_assigned(scope, moment) == RP.overdue_assigned(scope, moment), where


def assert_facts_agree_with_timeline() -> None:
    lines: list[str] = []
    assert factsync.check(lines.append) == 0, lines


@pytest.mark.parametrize("now", ["2026-05-15 10:00", "2026-04-13 09:00", "2027-01-05 08:00"])
def test_every_figure_both_ways_on_the_hand_computed_data(dataset, now):
    org = dataset.org
    for scope in scopes(org):
        for period in PERIODS:
            assert_same(scope, period, at(now))
    assert_facts_agree_with_timeline()


def test_rebuilt_facts_equal_those_written_event_by_event(dataset):
    stored = {model: factsync._rows(model, list(model.objects.all())) for model in factsync.FIELDS}
    factsync.rebuild(lambda line: None)
    for model, rows in stored.items():
        assert factsync._rows(model, list(model.objects.all())) == rows, model.__name__
    assert_facts_agree_with_timeline()
    assert_same(PROVINCE, month(2026, 4), dataset.now)


# --- Random workflow paths through the real services ---------------------------------------------------------

# Actions that end a case early, taken rarely so that most paths go further.
RARE = ("reject", "request_info", "take_over", "urge", "escalate")
TEXT = "Đã kiểm tra, xử lý xong theo đúng quy định."


def _params(action: str, report: Report, org: Any, rng: random.Random) -> dict[str, Any] | None:
    """Inputs for an action, or None when the walk does not take it."""
    officers = {
        org.commune.pk: org.officer,
        org.other_commune.pk: org.person("c2_officer", org.other_commune, User.Role.OFFICER),
    }
    simple: dict[str, dict[str, Any]] = {
        "forward": {"agency": rng.choice([None, org.commune, org.other_commune])},
        "report_result": {"result_text": TEXT},
        "approve": {},
        "publish_result": {"result_text": TEXT},
        "reject": {"reason_code": "other", "note": TEXT},
        "escalate": {"note": TEXT},
        "take_over": {"note": TEXT},
        "request_info": {"note": "Xin bổ sung ảnh chụp hiện trường."},
        "supplement": {"note": "Đã bổ sung."},
        "return_result": {"note": "Cần xác minh lại."},
        "rate": {"rating": rng.choice(["satisfied", "acceptable", "unsatisfied"]), "note": "Chưa ổn."},
        "clarify": {"note": TEXT},
        "reply": {"note": TEXT},
        "request_opinions": {"departments": org.departments[:1], "question": "Xin ý kiến chuyên môn."},
        "give_opinion": {"answer": TEXT},
        "request_leadership_opinion": {"question": "Xin ý kiến chỉ đạo."},
        "give_leadership_opinion": {"answer": TEXT},
        "update_progress": {"note": TEXT},
        "urge": {"note": TEXT},
    }
    if action in ("assign", "reassign"):
        officer = officers.get(report.agency_id)
        return {"officer": officer} if officer is not None else None
    return simple.get(action)


def _actors(org: Any, report: Report) -> list[Any]:
    return [
        org.operator,
        org.supervisor,
        org.ioc_leader,
        org.commune_leader,
        org.officer,
        org.person("c2_leader", org.other_commune, User.Role.LEADER),
        org.person("c2_officer", org.other_commune, User.Role.OFFICER),
        *[org.person(f"dept{d.pk}", d, User.Role.OFFICER) for d in org.departments[:1]],
        ReporterActor(report.pk),
    ]


def walk(org: Any, submit: Any, seed: int, reports: int, start: datetime) -> datetime:
    """Submit `reports` cases and take random allowed actions on them, the clock moving by random steps
    across nights, weekends and holidays; run the deadline sweeps now and then. Returns the last moment."""
    rng = random.Random(seed)
    now = start
    cases: list[Report] = []
    for _ in range(reports * 12):
        now += timedelta(minutes=rng.choice([5, 30, 50, 70, 180, 600, 1500, 3000, 7000]))
        if not cases or (len(cases) < reports and rng.random() < 0.3):
            cases.append(submit(now=now, channel=rng.choice(["web", "app"])).report)
            continue
        if rng.random() < 0.1:
            sweeps.deadlines_sweep(now=now)
            continue
        report = rng.choice(cases)
        report.refresh_from_db()
        moves = [
            (actor, spec.action, params)
            for actor in _actors(org, report)
            for spec in allowed_actions(report, actor, now=now)
            if (params := _params(spec.action, report, org, rng)) is not None
        ]
        if not moves:
            continue
        weights = [0.15 if action in RARE else 1.0 for _actor, action, _params in moves]
        actor, action, params = rng.choices(moves, weights)[0]
        try:
            with transaction.atomic():
                workflow.apply(report, action, actor=actor, now=now, **params)
        except (ValidationError, PermissionDenied, ValueError):
            continue
    return now


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    seed=st.integers(0, 10**6),
    reports=st.integers(1, 6),
    start=st.sampled_from(["2026-03-27 16:30", "2026-04-24 10:00", "2026-04-29 15:00", "2026-06-26 20:00"]),
)
def test_every_figure_both_ways_on_random_workflows(org, submit, seed, reports, start):
    _actors(org, Report(pk=0))  # the accounts outlive each example's rollback
    with transaction.atomic():
        last = walk(org, submit, seed, reports, at(start))
        assert_facts_agree_with_timeline()
        for now in (last, last - timedelta(hours=30), at("2026-12-31 23:00")):
            for scope in scopes(org):
                for period in PERIODS:
                    assert_same(scope, period, now)
        transaction.set_rollback(True)
