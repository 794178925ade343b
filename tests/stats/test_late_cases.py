"""R-14.4: every step done late or not done, with its deadline, when it was done, how late in working days,
and the agency's written explanation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pakn.stats import quality
from pakn.stats.late_items import late_done_items, late_pending_items, working_days_late
from pakn.stats.models import LateExplanation
from pakn.stats.periods import month
from pakn.stats.scope import PROVINCE, Scope
from pakn.stats.services import late_explanation_save
from tests.conftest import at
from tests.stats.conftest import NOW

APRIL, MAY = month(2026, 4), month(2026, 5)
DAY = 27000  # seconds of office time in a working day (07:30–11:30, 13:30–17:00)


def items(scope, period):
    done = late_done_items(list(quality.late_done(scope, period)))
    pending = late_pending_items(list(quality.late_pending(scope, period, NOW)), period.cutoff(NOW))
    return done, pending


def as_rows(dataset, found):
    names = {r.tracking_code: n for n, r in dataset.r.items()}
    return sorted((names[i.tracking_code], i.step, i.due_at, i.done_at, round(i.late_days, 4)) for i in found)


def test_late_steps_of_april(dataset):
    """Three steps done late in April and one (R9's verification) still not done at its end. R1's
    clarification and R6's department opinion were given after their 1-working-day targets: Decision 826
    sets no such deadline, so they are not late (docs/deadlines.md).

    R9 was due Tue 21 Apr 08:30; at midnight on 1 May it was 6.5 h (21 Apr) + 3 × 7.5 h (22–24 Apr)
    + 2 × 7.5 h (28–29 Apr; 27 and 30 April are holidays) = 44 h = 5.8667 working days late."""
    done, pending = items(PROVINCE, APRIL)
    assert as_rows(dataset, done) == [
        ("R4", "assign", at("2026-04-06 09:10"), at("2026-04-06 10:10"), round(3600 / DAY, 4)),
        ("R4", "handle", at("2026-04-07 10:10"), at("2026-04-08 10:10"), 1.0),
        ("R5", "triage", at("2026-04-07 09:00"), at("2026-04-07 09:30"), round(1800 / DAY, 4)),
    ]
    assert as_rows(dataset, pending) == [
        ("R9", "handle", at("2026-04-21 08:30"), None, round(44 * 3600 / DAY, 4))
    ]
    agencies = {(i.tracking_code, i.agency_id) for i in done + pending}
    org = dataset.org
    assert agencies == {
        (dataset.r["R4"].tracking_code, dataset.c2.pk),
        (dataset.r["R5"].tracking_code, org.ioc.pk),
        (dataset.r["R9"].tracking_code, dataset.c1.pk),
    }


def test_lateness_in_clock_hours_too(dataset):
    """Beside working days, how late on the clock: R5's triage 30 min; R9 from Tue 21 Apr 08:30 to midnight
    on 1 May: 9 days and 15.5 hours = 231.5 hours."""
    done, pending = items(PROVINCE, APRIL)
    hours = {(i.tracking_code, i.step): round(i.late_hours, 2) for i in done + pending}
    assert hours[(dataset.r["R5"].tracking_code, "triage")] == 0.5
    assert hours[(dataset.r["R9"].tracking_code, "handle")] == 231.5
    assert hours[(dataset.r["R4"].tracking_code, "handle")] == 24.0


def test_late_steps_of_may_while_it_runs(dataset):
    """R9 done on 4 May 09:00: 44 h + 1.5 h = 45.5 h late; R3 one working hour late (due 4 May 15:00);
    R10 assigned an hour late. Still pending now (15 May 10:00): R10's verification, due 5 May 09:00
    (61 working hours), and R14's assignment, due 6 May 09:10 (53 h 20)."""
    done, pending = items(PROVINCE, MAY)
    assert as_rows(dataset, done) == [
        ("R10", "assign", at("2026-05-04 08:00"), at("2026-05-04 09:00"), round(3600 / DAY, 4)),
        ("R3", "handle", at("2026-05-04 15:00"), at("2026-05-04 16:00"), round(3600 / DAY, 4)),
        ("R9", "handle", at("2026-04-21 08:30"), at("2026-05-04 09:00"), round(45.5 * 3600 / DAY, 4)),
    ]
    assert as_rows(dataset, pending) == [
        ("R10", "handle", at("2026-05-05 09:00"), None, round(61 * 3600 / DAY, 4)),
        ("R14", "assign", at("2026-05-06 09:10"), None, round(192000 / DAY, 4)),
    ]


def test_an_agency_sees_only_its_own_late_steps(dataset):
    c1 = Scope(dataset.c1, frozenset({dataset.c1.pk}))
    done, pending = items(c1, MAY)
    assert sorted(i.step for i in done) == ["handle", "handle"] and [i.step for i in pending] == ["assign"]
    assert {i.agency_id for i in done + pending} == {dataset.c1.pk}


def test_lateness_is_counted_in_working_time_only(db):
    """A step due Wednesday 29 April 16:00 and done Monday 4 May 08:00: 1 h on Wednesday and 30 min on
    Monday; Thursday 30 April, Friday 1 May and the weekend do not count. Done before its deadline: 0."""
    assert working_days_late(at("2026-04-29 16:00"), at("2026-05-04 08:00")) == pytest.approx(1.5 / 7.5)
    assert working_days_late(at("2026-04-29 16:00"), at("2026-04-29 15:00")) == 0
    # Done in the evening after an afternoon deadline is late by the rest of the office day only.
    assert working_days_late(at("2026-04-29 16:30"), at("2026-04-29 21:00")) == pytest.approx(0.5 / 7.5)


# --- Explanations ---------------------------------------------------------------------------------------------


def test_the_leader_explains_a_step_done_late(dataset):
    r3 = dataset.r["R3"]
    e = late_explanation_save(
        actor=dataset.org.commune_leader,
        report=r3,
        step="handle",
        due_at=at("2026-05-04 15:00"),
        agency=dataset.c1,
        text="Ngày 04/5 cán bộ xử lý đi tập huấn, báo cáo chậm 01 giờ.",
        now=NOW,
    )
    assert (
        e.event is not None and e.event.action == "report_result" and e.author == dataset.org.commune_leader
    )
    done, _ = items(PROVINCE, MAY)
    explained = [i for i in done if i.explanation]
    assert [(i.tracking_code, i.explanation.text) for i in explained] == [(r3.tracking_code, e.text)]


def test_a_step_late_only_against_a_target_needs_no_explanation(dataset):
    """R1's clarification came an hour after its internal target: not late under Decision 826 (R-8.2 sets
    no time), so there is nothing to explain."""
    with pytest.raises(ValidationError) as e:
        late_explanation_save(
            actor=dataset.org.commune_leader,
            report=dataset.r["R1"],
            step="clarify",
            due_at=at("2026-04-06 09:00"),
            agency=dataset.c1,
            text="Ngày 06/4 cán bộ đầu mối đi tập huấn, trả lời chậm 01 giờ.",
            now=NOW,
        )
    assert "step" in e.value.message_dict


def test_an_explanation_written_while_pending_stays_once_the_step_is_done(dataset):
    """R14's assignment is pending past its deadline: explained now, then done late, the same item."""
    from pakn.reports import services

    r14, leader = dataset.r["R14"], dataset.org.commune_leader
    late_explanation_save(
        actor=leader,
        report=r14,
        step="assign",
        due_at=at("2026-05-06 09:10"),
        agency=dataset.c1,
        text="Cán bộ xử lý nghỉ ốm, chưa bố trí được người thay.",
        now=NOW,
    )
    services.report_assign(report=r14, actor=leader, officer=dataset.org.officer, now=at("2026-05-15 10:30"))
    done = late_done_items(list(quality.late_done(Scope(dataset.c1, frozenset({dataset.c1.pk})), MAY)))
    item = next(i for i in done if i.tracking_code == r14.tracking_code)
    assert item.explanation is not None and "nghỉ ốm" in item.explanation.text


def test_writing_again_replaces_the_text(dataset):
    args = {
        "actor": dataset.org.commune_leader,
        "report": dataset.r["R9"],
        "step": "handle",
        "due_at": at("2026-04-21 08:30"),
        "agency": dataset.c1,
        "now": NOW,
    }
    late_explanation_save(**args, text="Chờ đơn vị cấp nước phối hợp.")
    late_explanation_save(**args, text="Chờ đơn vị cấp nước phối hợp kiểm tra đường ống.")
    assert list(LateExplanation.objects.values_list("text", flat=True)) == [
        "Chờ đơn vị cấp nước phối hợp kiểm tra đường ống."
    ]


def test_only_the_leader_of_that_agency_may_explain(dataset):
    """C1's leader cannot explain C2's late steps; an officer cannot explain even his own agency's."""
    org = dataset.org
    r4 = dataset.r["R4"]
    for actor in (org.commune_leader, org.officer, org.supervisor):
        with pytest.raises(PermissionDenied):
            late_explanation_save(
                actor=actor,
                report=r4,
                step="assign",
                due_at=at("2026-04-06 09:10"),
                agency=dataset.c2,
                text="Lý do trễ hạn của xã khác.",
                now=NOW,
            )
    assert not LateExplanation.objects.exists()


def test_a_step_done_in_time_needs_no_explanation(dataset):
    with pytest.raises(ValidationError) as e:
        late_explanation_save(
            actor=dataset.org.commune_leader,
            report=dataset.r["R1"],
            step="assign",
            due_at=at("2026-04-02 09:30"),
            agency=dataset.c1,
            text="Không cần giải trình.",
            now=NOW,
        )
    assert "step" in e.value.message_dict


def test_an_empty_or_too_short_explanation_is_refused(dataset):
    with pytest.raises(ValidationError) as e:
        late_explanation_save(
            actor=dataset.org.commune_leader,
            report=dataset.r["R3"],
            step="handle",
            due_at=at("2026-05-04 15:00"),
            agency=dataset.c1,
            text="  chậm ",
            now=NOW,
        )
    assert "text" in e.value.message_dict
