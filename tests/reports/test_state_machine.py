"""Random sequences of actions by random actors never break the workflow's invariants (R-3.1, R-4.2, R-9.1).

A hypothesis state machine: each example submits a fresh report, then takes random actions of the transition
table, with plausible parameters, by random actors (every role of the organisation, the reporter, another
reporter, the system) at increasing moments. Each example runs in a savepoint rolled back at its end, so
it starts from the same organisation and an otherwise empty database.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from pakn.org.models import User
from pakn.reports import services, workflow
from pakn.reports.actions import SPECS
from pakn.reports.audit import verify_report
from pakn.reports.models import CLOSED_STATES, OPEN_STATES, Event, Rating, Report, ReporterBan, State
from pakn.reports.workflow import SYSTEM, ActionRefused, InvalidTransition, ReporterActor
from tests.conftest import VALID, Org, at, make_user

REFUSALS = (ActionRefused, InvalidTransition, ValidationError)
ACTIONS = sorted(SPECS)
MINUTES = [1, 10, 45, 61, 180, 60 * 20, 60 * 24 * 3]  # within and beyond each kind of deadline
NOTES = st.sampled_from(
    ["Ghi chú của cán bộ.", "Vượt thẩm quyền, đề nghị cấp trên xử lý.", "Đã xong.", "", "  "]
)


def build_people(org: Org) -> dict[str, Any]:
    """Every kind of actor, created before the examples run (their savepoints would remove them)."""
    inactive = make_user(org.commune, User.Role.LEADER)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    inactive.refresh_from_db()
    return {
        "operator": org.operator,
        "ioc_leader": org.ioc_leader,
        "ioc_officer": make_user(org.ioc, User.Role.OFFICER),
        "supervisor": org.supervisor,
        "commune_leader": org.commune_leader,
        "officer": org.officer,
        "officer2": org.officer2,
        "other_leader": org.other_leader,
        "other_officer": make_user(org.other_commune, User.Role.OFFICER),
        "specialist0": org.specialist(0),
        "specialist1": org.specialist(1),
        "department_leader": make_user(org.departments[0], User.Role.LEADER),
        "admin": make_user(None, User.Role.ADMIN),  # type: ignore[arg-type]
        "inactive_leader": inactive,
        "reporter": "reporter",
        "other_reporter": "other_reporter",
        "system": SYSTEM,
    }


def params_strategy(action: str, org: Org, people: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Plausible parameters for each action: mostly valid, sometimes not."""
    officers = st.sampled_from(
        [people["officer"], people["officer2"], people["commune_leader"], people["other_officer"], None]
    )
    agencies = st.sampled_from([None, org.commune, org.other_commune, org.departments[0], org.ioc])
    by_action: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "forward": st.fixed_dictionaries({"agency": agencies, "note": NOTES}),
        "request_info": st.fixed_dictionaries({"note": NOTES}),
        "supplement": st.fixed_dictionaries(
            {"note": NOTES, "reporter_phone": st.sampled_from([None, "0987 654 321", "12345"])}
        ),
        "reject": st.fixed_dictionaries(
            {"reason_code": st.sampled_from([*workflow.REJECT_REASONS, "bogus"]), "note": NOTES}
        ),
        "assign": st.fixed_dictionaries({"officer": officers, "note": NOTES}),
        "reassign": st.fixed_dictionaries({"officer": officers, "note": NOTES}),
        "escalate": st.fixed_dictionaries({"note": NOTES, "is_complex": st.booleans()}),
        "report_result": st.fixed_dictionaries({"result_text": NOTES}),
        "approve": st.fixed_dictionaries({"result_text": NOTES, "note": NOTES}),
        "return_result": st.fixed_dictionaries({"note": NOTES}),
        "request_opinions": st.fixed_dictionaries(
            {
                "departments": st.lists(
                    st.sampled_from(org.departments[:3]), max_size=2, unique_by=lambda d: d.pk
                ),
                "question": NOTES,
            }
        ),
        "give_opinion": st.fixed_dictionaries({"answer": NOTES}),
        "publish_result": st.fixed_dictionaries({"result_text": NOTES, "note": NOTES}),
        "take_over": st.fixed_dictionaries({"note": NOTES}),
        "reply": st.fixed_dictionaries({"note": NOTES}),
        "clarify": st.fixed_dictionaries({"note": NOTES}),
        "rate": st.fixed_dictionaries(
            {"rating": st.sampled_from([*Rating.values, "excellent"]), "note": NOTES}
        ),
        "bar_reporter": st.fixed_dictionaries({"note": NOTES}),
    }
    for mark in ("valuable", "abusive", "state_secret", "complex"):
        by_action[f"mark_{mark}"] = st.fixed_dictionaries({"value": st.booleans(), "note": NOTES})
    return by_action.get(action, st.just({}))


# The next step of the procedure in each state, and who takes it ("leader": of the agency holding the case).
PROCEDURE: dict[str, list[tuple[str, str]]] = {
    State.RECEIVED: [("forward", "operator"), ("forward", "ioc_leader"), ("request_info", "operator")],
    State.AWAITING_INFO: [("supplement", "reporter"), ("cancel_expired", "system")],
    State.ROUTED: [("assign", "leader"), ("escalate", "leader"), ("take_over", "supervisor")],
    State.IN_PROGRESS: [("report_result", "assignee"), ("report_result", "leader"), ("reassign", "leader")],
    State.AWAITING_APPROVAL: [("approve", "leader"), ("return_result", "leader")],
    State.COORDINATING: [
        ("request_opinions", "leader"),
        ("request_opinions", "supervisor"),
        ("give_opinion", "specialist0"),
        ("give_opinion", "specialist1"),
        ("publish_result", "leader"),
        ("publish_result", "supervisor"),
    ],
    State.RESOLVED: [
        ("reply", "reporter"),
        ("clarify", "leader"),
        ("rate", "reporter"),
        ("take_over", "supervisor"),
    ],
}


def make_machine(org: Org, people: dict[str, Any]) -> type[RuleBasedStateMachine]:
    holders = {
        org.ioc.pk: "ioc_leader",
        org.supervisor_agency.pk: "supervisor",
        org.commune.pk: "commune_leader",
        org.other_commune.pk: "other_leader",
        org.departments[0].pk: "department_leader",
    }

    class ReportWorkflow(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.pk: int | None = None

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        @initialize(
            start=st.sampled_from(
                ["2026-03-02 08:00", "2026-03-06 16:40", "2026-03-07 23:50", "2026-02-13 10:00"]
            ),
            phone=st.sampled_from(["0912345678", "0987654321"]),
            abusive_before=st.booleans(),
        )
        def submit(self, start: str, phone: str, abusive_before: bool) -> None:
            self.now = at(start)
            if abusive_before:  # an earlier abusive report of the same reporter, so a bar may succeed
                earlier = self._submit(phone)
                services.report_mark(report=earlier, actor=people["operator"], mark="abusive", now=self.now)
            self.pk = self._submit(phone).pk

        def _submit(self, phone: str) -> Report:
            fields = {**VALID, "category": org.category, "area": org.commune_area, "reporter_phone": phone}
            return services.report_submit(now=self.now, **fields).report

        def _actor(self, key: str) -> Any:
            assert self.pk is not None
            if key == "reporter":
                return ReporterActor(self.pk)
            if key == "other_reporter":
                return ReporterActor(self.pk + 1)
            return people[key]

        @rule(
            action=st.sampled_from(ACTIONS),
            actor_key=st.sampled_from(sorted(people)),
            minutes=st.sampled_from(MINUTES),
            data=st.data(),
        )
        def act_at_random(self, action: str, actor_key: str, minutes: int, data: st.DataObject) -> None:
            """Any action by anyone: mostly refused."""
            self._act(action, actor_key, minutes, data)

        @rule(minutes=st.sampled_from(MINUTES), data=st.data())
        def act_as_allowed(self, minutes: int, data: st.DataObject) -> None:
            """An action the table offers to someone now (its parameters may still be refused)."""
            report = Report.objects.get(pk=self.pk)
            offered = [
                (t.action, key)
                for key in sorted(people)
                for t in workflow.allowed_actions(report, self._actor(key))
            ]
            if not offered:
                return
            actions = sorted({action for action, _ in offered})
            moves = [a for a in actions if not a.startswith(("mark_", "bar_"))]  # marks would crowd them out
            if moves and data.draw(st.integers(0, 3), label="prefer a move") > 0:
                actions = moves
            action = data.draw(st.sampled_from(actions), label="action")
            key = data.draw(st.sampled_from([k for a, k in offered if a == action]), label="actor")
            self._act(action, key, minutes, data)

        @rule(minutes=st.sampled_from(MINUTES), data=st.data())
        def act_along_the_procedure(self, minutes: int, data: st.DataObject) -> None:
            """The next step of Article 7 by the person whose turn it is (to reach every state often)."""
            report = Report.objects.select_related("agency").get(pk=self.pk)
            choices = PROCEDURE.get(report.state)
            if not choices:
                return
            action, who = data.draw(st.sampled_from(choices), label="step")
            self._act(action, self._key_for(who, report), minutes, data)

        def _key_for(self, who: str, report: Report) -> str:
            if who == "assignee":
                found = [k for k, p in people.items() if isinstance(p, User) and p.pk == report.assignee_id]
                return found[0] if found else "officer"
            if who == "leader":
                return holders.get(report.agency_id, "commune_leader")
            return who

        def _act(self, action: str, actor_key: str, minutes: int, data: st.DataObject) -> None:
            self.now += timedelta(minutes=minutes)
            params = data.draw(params_strategy(action, org, people), label="params")
            report = Report.objects.select_related("agency").get(pk=self.pk)
            before = (report.state, report.version, report.event_count, report.events.count())
            actor = self._actor(actor_key)
            try:
                event = workflow.apply(report, action, actor=actor, now=self.now, **params)
            except REFUSALS as refusal:
                after = Report.objects.get(pk=self.pk)
                assert (after.state, after.version, after.event_count, after.events.count()) == before, (
                    refusal
                )
                assert (report.state, report.version, report.event_count) == before[
                    :3
                ]  # nor the copy in hand
                message = getattr(refusal, "message", None) or " ".join(getattr(refusal, "messages", []))
                assert message.strip(), f"a refusal without a message: {refusal!r}"
                return
            after = Report.objects.get(pk=self.pk)
            t = SPECS[action]
            assert after.version == before[1] + 1
            assert after.event_count == before[2] + 1 and after.events.count() == before[3] + 1
            assert (event.seq, event.action, event.from_state, event.to_state) == (
                after.event_count,
                action,
                before[0],
                after.state,
            )
            assert event.actor_kind == {
                User: Event.ActorKind.STAFF,
                ReporterActor: Event.ActorKind.REPORTER,
            }.get(type(actor), Event.ActorKind.SYSTEM)
            if t.target is not None:
                assert after.state == t.target, (action, after.state)
            elif action == "escalate":
                assert after.state in (State.ROUTED, State.COORDINATING)
            else:
                assert after.state == before[0], (action, before[0], after.state)

        @invariant()
        def the_report_keeps_its_timeline(self) -> None:
            if self.pk is None:
                return
            report = Report.objects.select_related("agency").get(pk=self.pk)
            events = report.events.count()
            assert events >= 1 and report.event_count == events
            assert verify_report(report) is None
            assert report.is_open == (report.state in OPEN_STATES)
            if report.state in OPEN_STATES:
                assert report.due_at is not None and report.step, (report.state, report.step)
            if report.state in CLOSED_STATES - {State.RESOLVED}:
                assert report.due_at is None and report.escalate_by is None
            if report.state == State.RESOLVED:
                assert (report.due_at is not None) == report.clarification_pending
                assert report.result_text and report.resolved_at is not None
            else:
                assert not report.clarification_pending
            if report.is_open:
                assert report.agency.is_province_level == (
                    report.state in (State.RECEIVED, State.AWAITING_INFO, State.COORDINATING)
                ), (report.state, report.agency)
            if report.state in (State.IN_PROGRESS, State.AWAITING_APPROVAL):
                assert report.assignee is not None and report.assignee.agency_id == report.agency_id

    return ReportWorkflow


def test_random_actions_by_random_actors_keep_the_workflow_sound(org):
    """R-3.1, R-4.2, R-9.1: events always there, refusals change nothing, moves follow the table."""
    people = build_people(org)
    ReporterBan.objects.all().delete()
    run_state_machine_as_test(
        make_machine(org, people),
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
