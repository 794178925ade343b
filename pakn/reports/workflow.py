"""The procedure of Article 7: `apply`, the one function that moves a report, and the hash chain.

What each action is — its states, who may take it, its target, its visibility, its inputs — is its spec in
pakn.reports.actions; what it checks and changes is its effect in pakn.reports.effects. `apply` checks the
spec, lets the effect validate its input and compute the changes, then in one transaction moves the report
with a compare-and-swap update (the report's `version`), appends a hash-chained Event and runs the action's
follow-ups. Two people acting on the same case at once cannot both succeed.

Escalation and deadlines are data: an agency's parent is where its cases go next, and each step's deadline
comes from the DeadlinePolicy table for the kind of agency that holds the case (see sla.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pakn.org.models import User
from pakn.reports import chain, limits
from pakn.reports.action_spec import Readers
from pakn.reports.actions import SPECS, ActionSpec, allowed_actions, check
from pakn.reports.actors import (
    SYSTEM,
    ActionRefused,
    Actor,
    InvalidTransition,
    ReporterActor,
    StaleReport,
    SystemActor,
    WorkflowError,
)
from pakn.reports.effects import NO_STEP, REJECT_REASONS, Outcome, arrive_at, enter_step
from pakn.reports.listeners import event_recorded
from pakn.reports.models import CLOSED_STATES, Event, Report, State
from pakn.reports.search import search_text_for

# The names other modules import from here (the workflow's public face).
__all__ = [
    "NO_STEP",
    "REJECT_REASONS",
    "SPECS",
    "SYSTEM",
    "ActionRefused",
    "ActionSpec",
    "Actor",
    "InvalidTransition",
    "Outcome",
    "ReporterActor",
    "StaleReport",
    "SystemActor",
    "WorkflowError",
    "allowed_actions",
    "apply",
    "arrive_at",
    "check",
    "enter_step",
    "event_hash",
    "record_creation",
]

Visibility = Event.Visibility


def apply(report: Report, action: str, *, actor: Actor, now: datetime | None = None, **params: Any) -> Event:
    """Take one action on a report: check, change state (compare-and-swap), append the event, follow up."""
    now = now or timezone.now()
    spec = check(report, action, actor)
    limits.check_text(params)  # lengths and control characters, whatever the surface (issue 10, item 9)
    note_public = _note_public(spec, params)
    outcome = spec.effect(report, actor, now, params)
    with transaction.atomic():
        return _record(report, spec.action, spec.visibility, outcome, actor, now, note_public=note_public)


def _note_public(spec: ActionSpec, params: dict[str, Any]) -> bool:
    """Whether the author chose to publish the note (issue 14, item 2): only an action whose note is
    opt-in may publish it, and only a note that was written."""
    if not params.pop("note_public", False):
        return False
    if spec.note_readers != Readers.OPT_IN:
        raise ValidationError({"note_public": "Ghi chú của hành động này không được công khai."})
    return bool(str(params.get("note") or "").strip())


def _record(
    report: Report,
    action: str,
    visibility: str,
    outcome: Outcome,
    actor: Actor,
    now: datetime,
    context: dict[str, Any] | None = None,
    *,
    note_public: bool = False,
) -> Event:
    """Append the event of an outcome and move the report with a compare-and-swap, then follow up."""
    from_state = report.state
    note_public = note_public and bool(outcome.note)
    event = _new_event(
        report, outcome, actor, now, action=action, visibility=visibility, note_public=note_public
    )
    changes = _report_changes(report, outcome, event, now)
    updated = Report.objects.filter(pk=report.pk, version=report.version, state=from_state).update(**changes)
    if updated != 1:
        raise StaleReport("Phản ánh vừa được người khác cập nhật. Vui lòng tải lại trang và thử lại.")
    event.save(force_insert=True)
    for name, value in changes.items():
        setattr(report, name, value)
    # Registered listeners (notify's outbox, issue 7) write in this transaction; `context` is transient,
    # never hashed.
    event_recorded(event, report, context=context)
    for follow_up in outcome.after:
        follow_up(event)
    for other, other_action, other_outcome in outcome.linked:  # e.g. the original of a duplicate
        _record(other, other_action, SPECS[other_action].visibility, other_outcome, actor, now)
    return event


def _new_event(report: Report, outcome: Outcome, actor: Actor, now: datetime, **fields: Any) -> Event:
    """The (unsaved, unsealed) event of an outcome, with the deadline of the step it closes; `fields`: its
    action, visibility and whether its note is public."""
    closes = outcome.closes
    if closes is None and outcome.to_state != report.state and report.step:
        closes = (report.step, report.due_at, report.step_statutory)
    step, step_due, statutory = closes if closes else ("", None, False)
    return Event(
        report=report,
        seq=report.event_count + 1,
        at=now,
        actor=actor if isinstance(actor, User) else None,
        actor_kind=_actor_kind(actor),
        agency=outcome.event_agency or report.agency,
        target_agency=outcome.target_agency,
        from_state=report.state,
        to_state=outcome.to_state,
        step=step,
        step_due_at=step_due,
        on_time=(now <= step_due) if step_due else None,
        statutory=statutory if step_due else None,
        due_at=outcome.changes.get("due_at", report.due_at),
        overdue_at=outcome.changes.get("overdue_at", report.overdue_at),
        note=outcome.note or "",
        data=_jsonable(outcome.data),
        prev_hash=report.head_hash,
        **fields,
    )


def _report_changes(report: Report, outcome: Outcome, event: Event, now: datetime) -> dict[str, Any]:
    """What the outcome writes to the report, with the search copy and the new chain head; seals `event`."""
    changes = {
        **outcome.changes,
        "state": outcome.to_state,
        "version": report.version + 1,
        "event_count": event.seq,
        "updated_at": now,
    }
    if outcome.to_state in CLOSED_STATES and report.state not in CLOSED_STATES:
        changes.setdefault("escalate_by", None)
    # The public search's copy of the public text, written with that text (pakn.reports.search).
    search_text = search_text_for(report, changes)
    if search_text != report.search_text:
        changes["search_text"] = search_text
    # The event seals the report's public fields as it leaves them (tamper evidence, docs/security.md).
    event.sealed_fields = chain.sealed_fields(report, changes)
    changes["head_hash"] = chain.seal(event)
    return changes


def _actor_kind(actor: Actor) -> str:
    if isinstance(actor, User):
        return Event.ActorKind.STAFF
    if isinstance(actor, ReporterActor):
        return Event.ActorKind.REPORTER
    return Event.ActorKind.SYSTEM


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str))


# --- The hash chain (pakn.reports.chain) ----------------------------------------------------------------


def event_hash(e: Event) -> str:
    """The keyed hash (HMAC-SHA256 under the first audit key) of an event as it stands."""
    key = chain.audit_keys()[0]
    e.key_id = chain.key_id(key)
    return chain.event_mac(e, key)


def record_creation(
    report: Report, *, actor: Actor, now: datetime, note: str = "", followup_secret: str | None = None
) -> Event:
    """The first event of a new report (step 1, R-7.1): it enters triage at the IOC.

    `followup_secret` (the plain secret, known only at submission) goes to the "received" message as the
    reporter's link; it is not stored in the event.
    """
    outcome = Outcome(State.RECEIVED, {}, note=note, data={"channel": report.channel})
    context = {"secret": followup_secret} if followup_secret else None
    return _record(report, "submit", Visibility.PUBLIC, outcome, actor, now, context)
