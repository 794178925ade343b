"""R-12.1: the ranking of agencies, its documented score and its weights from settings."""

from __future__ import annotations

import pytest

from pakn.org.models import Agency
from pakn.stats.figures import AgencyFigures, Counts
from pakn.stats.periods import month
from pakn.stats.ranking import Ranked, Weights, assign_ranks, ranking, score
from pakn.stats.scope import PROVINCE
from tests.stats.conftest import NOW
from tests.support_process import child_env

APRIL = month(2026, 4)
DEFAULT = Weights(on_time=40, resolution=30, satisfaction=30, overdue=1)


def test_scores_of_april_by_hand(dataset):
    """Weights 40/30/30, 1 point per overdue case:
    IOC: 10/11 steps in time, 1/1 resolved, 1 satisfied → 40×0.9091 + 30 + 30 = 96.36;
    C1: 10/10 (its approvals and R1's late clarification have targets only), 3/(3+3), (2 + ½)/3, 1 overdue
    → 40 + 15 + 25 − 1 = 79;
    C2: 0/2 (R4's assignment and verification late), 1/(1+1), 0/1 → 0 + 15 + 0 = 15.
    The departments only gave opinions, whose 1-working-day time is a target: they have no figure and no
    rank (R-12.1 ranks by the deadlines of Decision 826)."""
    org = dataset.org
    rows = ranking(PROVINCE, APRIL, now=NOW, weights=DEFAULT)
    ranked = [(r.rank, r.agency.pk, round(r.score, 2)) for r in rows if r.score is not None]
    assert ranked == [
        (1, org.ioc.pk, 96.36),
        (2, dataset.c1.pk, 79.0),
        (3, dataset.c2.pk, 15.0),
    ]
    # Every other active agency is listed after them, without a rank.
    assert all(r.rank is None and r.score is None for r in rows[3:])
    # Every active agency but the supervisor (who ranks nobody's work as its own) is listed, once.
    listed = [r.agency.pk for r in rows]
    active = Agency.objects.filter(is_active=True).exclude(kind=Agency.Kind.SUPERVISOR)
    assert sorted(listed) == sorted(active.values_list("pk", flat=True))
    assert active.filter(kind=Agency.Kind.COMMUNE).count() == 65  # the 2025 communes of Lạng Sơn


def test_ranking_of_one_kind(dataset):
    rows = ranking(PROVINCE, APRIL, now=NOW, kind="commune", weights=DEFAULT)
    assert [r.agency.pk for r in rows[:2]] == [dataset.c1.pk, dataset.c2.pk]
    assert {r.agency.kind for r in rows} == {"commune"}


def test_weights_come_from_settings(dataset, settings):
    """PAKN_RANK_WEIGHTS: with only the on-time rate weighted, C1 scores 10/10 and loses 1 per overdue case."""
    settings.PAKN_RANK_WEIGHTS = {"on_time": 1, "resolution": 0, "satisfaction": 0, "overdue": 1}
    rows = {r.agency.pk: r for r in ranking(PROVINCE, APRIL, now=NOW)}
    assert rows[dataset.c1.pk].score == pytest.approx(100 * 10 / 10 - 1)


def test_equal_scores_share_a_rank():
    """Competition ranking: 1, 2, 2, 4; agencies without data come last, unranked."""
    from pakn.org.models import Agency

    def row(name, value):
        return Ranked(Agency(name=name), AgencyFigures(0), value)

    rows = assign_ranks([row("D", 10.0), row("E", None), row("B", 50.0), row("A", 90.0), row("C", 50.004)])
    assert [(r.agency.name, r.rank) for r in rows] == [("A", 1), ("B", 2), ("C", 2), ("D", 4), ("E", None)]


def test_missing_rates_are_left_out_and_the_score_is_bounded():
    """No rating and no case: only the on-time rate counts; many overdue cases floor the score at 0."""
    f = AgencyFigures(1, counts=Counts(open=5, overdue=5), steps=4, steps_on_time=4)
    # on time 1.0 (weight 40), resolution 0/(0+5) = 0 (weight 30), satisfaction unknown → (40) / 70 × 100 − 5
    assert score(f, DEFAULT) == pytest.approx(100 * 40 / 70 - 5)
    assert score(AgencyFigures(2, counts=Counts(open=200, overdue=200)), DEFAULT) == 0.0
    assert score(AgencyFigures(3), DEFAULT) is None


def test_bad_weights_are_refused_at_start(monkeypatch):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.INSTALLED_APPS"],
        env=child_env(DJANGO_SETTINGS_MODULE="pakn.settings", PAKN_RANK_WEIGHTS="on_time=40,speed=3"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "PAKN_RANK_WEIGHTS" in result.stderr
