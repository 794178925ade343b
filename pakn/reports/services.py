"""Every write to reports: submission, the workflow's actions, hand-overs and sweeps.

Views, API endpoints, commands and tasks call these functions; none of them saves a Report itself.
State changes all go through `workflow.apply`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from pakn.org.models import Agency, Area, Category, User
from pakn.reports import limits, workflow
from pakn.reports.actions import SPECS
from pakn.reports.checks import (
    coordinate,
    place_errors,
    refuse_barred,
    submission_errors,
    submission_identity,
)
from pakn.reports.models import OPEN_STATES, Channel, Event, Report, ReporterBan, ReporterKind, State, Step
from pakn.reports.pii import mask_personal_data
from pakn.reports.succession import ACTION as SUCCESSION_ACTION
from pakn.reports.succession import SuccessionPlan
from pakn.reports.workflow import SYSTEM, Actor, ReporterActor

log = logging.getLogger(__name__)

# Letters and digits that cannot be confused when read out on the phone (no 0/O, 1/I/L, U/V).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def new_tracking_code() -> str:
    """A short code a person can read out: 8 characters in two groups, e.g. «K7MP-4QX9»."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_tracking_code(text: str) -> str:
    """Accept what people type: lower case, spaces, a missing dash."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Submission:
    report: Report
    secret: str  # shown once to the reporter; only its hash is stored


def _ioc() -> Agency:
    ioc = Agency.objects.filter(kind=Agency.Kind.IOC, is_active=True).order_by("pk").first()
    if ioc is None:
        raise ImproperlyConfiguredError("Chưa có Trung tâm IOC: hãy chạy «pakn import-areas».")
    return ioc


class ImproperlyConfiguredError(Exception):
    pass


def report_submit(
    *,
    category: Category,
    content: str,
    channel: str = Channel.WEB,
    title: str = "",
    reporter_kind: str = ReporterKind.PERSON,
    reporter_name: str = "",
    reporter_address: str = "",
    reporter_phone: str = "",
    reporter_id_number: str = "",
    reporter_email: str = "",
    address_text: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    area: Area | None = None,
    declared_truthful: bool = False,
    allow_incomplete: bool = False,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> Submission:
    """Step 1 (R-7.1): a report enters triage at the IOC with a 1-hour deadline (R-7.2).

    R-5.1 fields are required unless `allow_incomplete` (Open311 clients lack some): then the report still
    enters triage and the operator asks the reporter for what is missing (R-7.2b).

    Longer than 60 lines only by its signature, one keyword per field a surface may send, and the table of
    the report's fields; its steps are the functions below (errors, identity, bans, creation).
    """
    now = now or timezone.now()
    texts = {
        "title": title,
        "content": content,
        "address_text": address_text,
        "reporter_name": reporter_name,
        "reporter_address": reporter_address,
        "reporter_phone": reporter_phone,
        "reporter_id_number": reporter_id_number,
        "reporter_email": reporter_email,
    }
    errors = submission_errors(
        texts,
        category=category,
        channel=channel,
        located=bool(
            address_text.strip() or area is not None or (latitude is not None and longitude is not None)
        ),
        declared_truthful=declared_truthful,
        allow_incomplete=allow_incomplete,
    )
    for name, messages in place_errors(latitude=latitude, longitude=longitude, area=area).items():
        errors.setdefault(name, []).extend(messages)
    identity = submission_identity(reporter_phone, reporter_id_number, errors)
    if errors:
        raise ValidationError(errors)
    refuse_barred(identity)
    content = (content or "").strip()
    fields = {
        "channel": channel,
        "category": category,
        "title": title.strip()[:200],
        "content": content,
        # The public copy, masked now so public search never matches hidden text.
        "public_title": mask_personal_data(title.strip()[:200])[:200],
        "public_content": mask_personal_data(content),
        "latitude": coordinate(latitude),
        "longitude": coordinate(longitude),
        "address_text": address_text.strip()[:300],
        "area": area,
        "reporter_kind": reporter_kind,
        "reporter_name": reporter_name.strip(),
        "reporter_address": reporter_address.strip(),
        "reporter_email": reporter_email.strip(),
        "declared_truthful": declared_truthful,
        **identity,
    }
    return _create_submitted(fields, actor=actor, now=now)


def _create_submitted(fields: dict[str, Any], *, actor: Actor | None, now: datetime) -> Submission:
    """The report created in triage at the IOC with its first event, under a fresh tracking code (retried
    on the rare collision of codes)."""
    ioc = _ioc()
    secret = secrets.token_urlsafe(24)
    for attempt in range(5):
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    tracking_code=new_tracking_code(),
                    secret_hash=secret_hash(secret),
                    state=State.RECEIVED,
                    agency=ioc,
                    agency_since=now,
                    created_at=now,
                    updated_at=now,
                    **fields,
                    **workflow.enter_step(Step.TRIAGE, ioc, now),
                )
                workflow.record_creation(
                    report, actor=actor or ReporterActor(report.pk), now=now, followup_secret=secret
                )
            return Submission(report, secret)
        except IntegrityError:
            if attempt == 4:
                raise
            log.warning("tracking code collision, retrying")
    raise AssertionError("unreachable")


def report_followup_renew(*, tracking_code: str, phone_hash: str) -> tuple[Report, str] | None:
    """A new follow-up secret for a report sent from this phone (issue 14, item 8: the reporter lost his
    private link and proved he holds the number). Only the hash is stored, so the old link cannot be shown
    again: it stops working and the new one is returned, to be shown once. None when the report is not his.
    """
    if not phone_hash or not tracking_code:
        return None
    report = Report.objects.filter(tracking_code=tracking_code, phone_hash=phone_hash).first()
    if report is None:
        return None
    secret = secrets.token_urlsafe(24)
    Report.objects.filter(pk=report.pk, phone_hash=phone_hash).update(secret_hash=secret_hash(secret))
    report.secret_hash = secret_hash(secret)
    log.info("follow-up link of report %s renewed by its reporter", report.pk)
    return report, secret


def report_for_secret(secret: str) -> Report | None:
    """The report whose follow-up secret this is (the reporter's private link)."""
    if not secret:
        return None
    return Report.objects.filter(secret_hash=secret_hash(secret)).select_related("agency", "category").first()


# --- Workflow actions ------------------------------------------------------------------------------------


def report_act(
    *, report: Report, action: str, actor: Actor, now: datetime | None = None, **params: Any
) -> Event:
    """Take any action of the spec table (pakn.reports.actions) with its inputs: the one write the surfaces'
    action forms and endpoints call. An action whose spec says `retry_stale` is retried after a lost race
    (its effect re-reads the report, so a concurrent change cannot be overwritten)."""
    if action == "rate":  # rating may ask for clarification in the same flow (issue 14, item 10)
        return report_rate(report=report, actor=actor, now=now, **params)
    spec = SPECS.get(action)
    attempts = 3 if spec is not None and spec.retry_stale else 1
    for attempt in range(attempts):
        try:
            return workflow.apply(report, action, actor=actor, now=now, **params)
        except workflow.StaleReport:
            if attempt == attempts - 1:
                raise
            report.refresh_from_db()
    raise AssertionError("unreachable")


# One service per action, for the callers that name the action in code (demo, sweeps, tests).


def report_forward(
    *,
    report: Report,
    actor: Actor,
    agency: Agency | None = None,
    note: str = "",
    incomplete_reason: str = "",
    now: datetime | None = None,
) -> Event:
    """R-7.2a: the IOC forwards a complete report to the commune where it happened. An incomplete one (R-5.1)
    is asked to be supplemented first (R-7.2b); forwarding it anyway needs `incomplete_reason`, recorded."""
    return workflow.apply(
        report,
        "forward",
        actor=actor,
        now=now,
        agency=agency,
        note=note,
        incomplete_reason=incomplete_reason,
    )


def report_request_info(*, report: Report, actor: Actor, note: str, now: datetime | None = None) -> Event:
    """R-7.2b: ask the reporter to supplement an incomplete report within 1 hour."""
    return workflow.apply(report, "request_info", actor=actor, now=now, note=note)


def report_supplement(
    *, report: Report, actor: Actor, note: str = "", now: datetime | None = None, **fields: Any
) -> Event:
    """R-7.2b: the reporter supplements the report; it returns to triage."""
    return workflow.apply(report, "supplement", actor=actor, now=now, note=note, **fields)


def report_reject(
    *, report: Report, actor: Actor, reason_code: str = "other", note: str = "", now: datetime | None = None
) -> Event:
    """R-7.2c, R-1.2, R-5.3: refuse a report with a reason the reporter is told."""
    return workflow.apply(report, "reject", actor=actor, now=now, reason_code=reason_code, note=note)


def report_link_duplicate(
    *, report: Report, actor: Actor, original: str, note: str = "", now: datetime | None = None
) -> Event:
    """R-5.3, R-9.2: close a duplicate as «trùng» with the original's code; both timelines record it."""
    return workflow.apply(
        report, "link_duplicate", actor=actor, now=now, original=original, internal_note=note
    )


def report_assign(
    *, report: Report, actor: Actor, officer: User, note: str = "", now: datetime | None = None
) -> Event:
    """R-7.3a, R-7.4a: the leader assigns an officer within 1 working hour."""
    return workflow.apply(report, "assign", actor=actor, now=now, officer=officer, note=note)


def report_escalate(
    *, report: Report, actor: Actor, note: str, is_complex: bool = False, now: datetime | None = None
) -> Event:
    """R-7.3b, R-7.4b: beyond the agency's authority, the case goes to its parent agency."""
    return workflow.apply(report, "escalate", actor=actor, now=now, note=note, is_complex=is_complex)


def report_submit_result(
    *, report: Report, actor: Actor, result_text: str, now: datetime | None = None
) -> Event:
    """R-7.3a: the officer reports the result to the leader within 1 working day."""
    return workflow.apply(report, "report_result", actor=actor, now=now, result_text=result_text)


def report_approve(
    *, report: Report, actor: Actor, result_text: str = "", note: str = "", now: datetime | None = None
) -> Event:
    """R-7.3a: the leader approves; the result is published and sent to the reporter."""
    return workflow.apply(report, "approve", actor=actor, now=now, result_text=result_text, note=note)


def report_return(*, report: Report, actor: Actor, note: str, now: datetime | None = None) -> Event:
    return workflow.apply(report, "return_result", actor=actor, now=now, note=note)


def report_request_opinions(
    *, report: Report, actor: Actor, departments: list[Agency], question: str, now: datetime | None = None
) -> Event:
    """R-7.5: the IOC asks provincial departments for their opinions."""
    return workflow.apply(
        report, "request_opinions", actor=actor, now=now, departments=departments, question=question
    )


def report_give_opinion(*, report: Report, actor: Actor, answer: str, now: datetime | None = None) -> Event:
    """R-7.5: a department gives its opinion. Departments answering at once do not lose each other's answer."""
    return report_act(report=report, action="give_opinion", actor=actor, now=now, answer=answer)


def report_publish_result(
    *, report: Report, actor: Actor, result_text: str, note: str = "", now: datetime | None = None
) -> Event:
    """R-7.5: the IOC publishes the province's result within 3 working days."""
    return workflow.apply(report, "publish_result", actor=actor, now=now, result_text=result_text, note=note)


def report_take_over(*, report: Report, actor: Actor, note: str, now: datetime | None = None) -> Event:
    """R-4.4: the supervisor takes over a disputed or unresolved case and coordinates it."""
    return workflow.apply(report, "take_over", actor=actor, now=now, note=note)


def report_reply(*, report: Report, actor: Actor, note: str, now: datetime | None = None) -> Event:
    """R-8.1: the reporter asks for clarification of the result."""
    return workflow.apply(report, "reply", actor=actor, now=now, note=note)


def report_clarify(*, report: Report, actor: Actor, note: str, now: datetime | None = None) -> Event:
    """R-8.2: the agency clarifies and answers."""
    return workflow.apply(report, "clarify", actor=actor, now=now, note=note)


def report_rate(
    *,
    report: Report,
    actor: Actor,
    rating: str,
    note: str = "",
    ask_clarification: bool = False,
    now: datetime | None = None,
) -> Event:
    """R-8.3: the reporter rates the result. «Không hài lòng» says why (issue 14, item 10); asking for
    clarification with it (R-8.1) also takes the `reply` action with that text, in the same transaction."""
    with transaction.atomic():
        event = workflow.apply(
            report,
            "rate",
            actor=actor,
            now=now,
            rating=rating,
            note=note,
            ask_clarification=ask_clarification,
        )
        if ask_clarification:
            workflow.apply(report, "reply", actor=actor, now=event.at, note=note)
    return event


def report_mark(
    *,
    report: Report,
    actor: Actor,
    mark: str,
    value: bool = True,
    note: str = "",
    now: datetime | None = None,
) -> Event:
    """R-15.1, R-15.2, R-7.4b, R-9.2: valuable, abusive, complex or state-secret marks."""
    if mark not in ("valuable", "abusive", "complex", "state_secret"):
        raise ValidationError({"mark": "Loại đánh dấu không hợp lệ."})
    return workflow.apply(report, f"mark_{mark}", actor=actor, now=now, value=value, note=note)


def report_attach_media(
    *, report: Report, actor: Actor, uploads: list[Any], note: str = "", now: datetime | None = None
) -> Event:
    """Staff add files to a case: recorded with who added them; public only once published (issue 10)."""
    return workflow.apply(report, "attach_media", actor=actor, now=now, uploads=uploads, note=note)


def report_redact_photo(
    *,
    report: Report,
    actor: Actor,
    attachment: int,
    note: str,
    replacement: Any = None,
    now: datetime | None = None,
) -> Event:
    """R-3.2: replace (or withdraw) the public copy of one photo; the original stays."""
    return workflow.apply(
        report,
        "redact_photo",
        actor=actor,
        now=now,
        attachment=attachment,
        replacement=replacement,
        note=note,
    )


def reporter_bar(*, report: Report, actor: Actor, note: str, now: datetime | None = None) -> Event:
    """R-15.2: bar a reporter (by phone and ID hash) whose reports were repeatedly marked abusive."""
    return workflow.apply(report, "bar_reporter", actor=actor, now=now, note=note)


def reporter_ban_lift(*, ban: ReporterBan, actor: User, note: str, now: datetime | None = None) -> None:
    """R-15.2 (issue 10, item 12): a leader of the agency that set the ban, or the supervisor, lifts it with a
    reason; who, when and why are kept on the ban and on the timeline of the report that set it (`lift_ban`).

    A ban older than that record (no report) can be lifted by the supervisor only, recorded on the ban."""
    if ban.report_id is not None:
        report = Report.objects.select_related("agency").get(pk=ban.report_id)
        workflow.apply(report, "lift_ban", actor=actor, now=now, note=note)
        return
    if not (actor.is_active and actor.role == User.Role.SUPERVISOR and actor.agency_id is not None):
        raise workflow.ActionRefused("Chỉ Văn phòng UBND tỉnh được gỡ hạn chế này.")
    if not (note or "").strip():
        raise ValidationError({"note": "Vui lòng nêu lý do gỡ hạn chế người gửi."})
    limits.check_text({"note": note})
    lifted = ReporterBan.objects.filter(pk=ban.pk, lifted_at__isnull=True).update(
        lifted_at=now or timezone.now(), lifted_by=actor, lift_reason=note.strip()
    )
    if lifted != 1:
        raise workflow.InvalidTransition("Hạn chế này đã được gỡ.")


def focal_handover(
    *, actor: User, from_user: User, to_user: User, now: datetime | None = None
) -> list[Event]:
    """R-14.1: a departing official's open cases, and his resolved cases whose reporter awaits a clarification
    (R-8.2), move to the successor, each with its `reassign` event; focal duty moves with them."""
    if not actor.is_active or actor.role != User.Role.LEADER or actor.agency_id != from_user.agency_id:
        raise workflow.ActionRefused("Chỉ lãnh đạo cơ quan mới bàn giao được công việc của cán bộ.")
    if to_user.agency_id != from_user.agency_id or not to_user.is_active or to_user.pk == from_user.pk:
        raise ValidationError({"to_user": "Người nhận bàn giao phải là cán bộ đang hoạt động cùng cơ quan."})
    now = now or timezone.now()
    events = []
    with transaction.atomic():
        reports = (
            Report.objects.filter(assignee=from_user)
            .filter(Q(state__in=OPEN_STATES) | Q(state=State.RESOLVED, clarification_pending=True))
            .select_related("agency")
            .order_by("pk")
        )
        for report in reports:
            events.append(
                workflow.apply(
                    report,
                    "reassign",
                    actor=actor,
                    now=now,
                    officer=to_user,
                    note=f"Bàn giao khi thay đổi cán bộ đầu mối: {from_user} → {to_user}.",
                )
            )
        if from_user.is_focal:
            User.objects.filter(pk=from_user.pk).update(is_focal=False)
            User.objects.filter(pk=to_user.pk).update(is_focal=True)
    return events


def successor_transfer(*, plan: SuccessionPlan, now: datetime | None = None) -> list[Event]:
    """Issue 11, item 11: move every mapped case of a 2022 → 2025 plan (pakn.reports.succession) to its
    successor agency, one `transfer_successor` event each by the system, in one transaction; deadlines kept."""
    now = now or timezone.now()
    with transaction.atomic():
        return [
            workflow.apply(move.report, SUCCESSION_ACTION, actor=SYSTEM, now=now, agency=move.new)
            for move in plan.moves
        ]
