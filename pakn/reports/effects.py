"""What each workflow action checks and changes: its *effect*, a function of (report, actor, now, params).

An effect validates its input (a ValidationError names the field), refuses what cannot be done now
(InvalidTransition) and returns an Outcome: the next state, the report's changes with the next step's
deadline from the DeadlinePolicy table, the timeline note and follow-ups run after the event is saved.
It never writes: `workflow.apply` does, in one transaction. The spec of each action (pakn.reports.actions)
names its effect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from pakn.org.models import Agency, User
from pakn.reports import sla
from pakn.reports.actors import Actor, InvalidTransition, StaleReport
from pakn.reports.checks import (
    abusive_count_for,
    is_barred,
    missing_information,
    missing_information_text,
    place_changes,
    reporter_identity_changes,
)
from pakn.reports.erasure import anonymise_changes, retention_cutoff
from pakn.reports.models import Event, OpinionRequest, Rating, Report, ReporterBan, State, Step
from pakn.reports.staff_media import publish_after, result_media

Role = User.Role
Effect = Callable[[Report, Actor, datetime, dict[str, Any]], "Outcome"]


# --- Effects: what each action checks and changes --------------------------------------------------------


@dataclass
class Outcome:
    to_state: str
    changes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    target_agency: Agency | None = None
    # The step this action completes (step, its deadline, whether Decision 826 sets that deadline): by
    # default the report's current step when the state changes.
    closes: tuple[str, datetime | None, bool] | None = None
    event_agency: Agency | None = None
    after: list[Callable[[Event], None]] = field(default_factory=list)
    # Events on other reports recorded in the same transaction (report, action, outcome): linking a duplicate.
    linked: list[tuple[Report, str, Outcome]] = field(default_factory=list)


def enter_step(step: str, agency: Agency, now: datetime, *, is_complex: bool = False) -> dict[str, Any]:
    """The report's fields for starting a step now at this agency, with its deadline from the policy.

    `overdue_at` is the deadline only when Decision 826 sets it; an internal target never makes a case
    overdue (docs/deadlines.md)."""
    deadline = sla.deadline_for(step, agency.kind, now, is_complex=is_complex)
    statutory = bool(deadline and deadline.statutory)
    return {
        "step": step,
        "step_started_at": now,
        "due_at": deadline.at if deadline else None,
        "step_statutory": statutory,
        "overdue_at": deadline.at if deadline and statutory else None,
        "overdue_noted": False,
    }


def waiting_overdue_at(assign: dict[str, Any], escalate_by: datetime | None) -> datetime | None:
    """When a case waiting to be assigned is overdue under Decision 826.

    The leader either assigns within the assignment time (R-7.3a, R-7.4a) or, when the case is beyond the
    agency's authority, escalates it within the escalation time (R-7.3b, R-7.4b): escalating in time fulfils
    the step. So the case is overdue only once both times have passed. An assignment made after its own
    deadline is still recorded late (the `assign` event closes the assignment step against `due_at`)."""
    overdue_at: datetime | None = assign["overdue_at"]
    if overdue_at is None or escalate_by is None:
        return overdue_at
    return max(overdue_at, escalate_by)


def arrive_at(agency: Agency, now: datetime, *, is_complex: bool) -> dict[str, Any]:
    """A case arriving at an agency: the leader must assign it (or escalate it by its escalation deadline)."""
    if agency.is_province_level:
        return {
            "agency": agency,
            "agency_since": now,
            "assignee": None,
            "escalate_by": None,
            **enter_step(Step.COORDINATE, agency, now),
        }
    escalation = (
        sla.deadline_for(Step.ESCALATE, agency.kind, now, is_complex=is_complex) if agency.parent_id else None
    )
    assign = enter_step(Step.ASSIGN, agency, now)
    escalate_by = escalation.at if escalation else None
    return {
        "agency": agency,
        "agency_since": now,
        "assignee": None,
        "escalate_by": escalate_by,
        "escalate_statutory": bool(escalation and escalation.statutory),
        **assign,
        "overdue_at": waiting_overdue_at(assign, escalate_by),
    }


NO_STEP: dict[str, Any] = {
    "step": "",
    "step_started_at": None,
    "due_at": None,
    "step_statutory": False,
    "overdue_at": None,
    "overdue_noted": False,
}


def _required(params: dict[str, Any], name: str, message: str) -> Any:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({name: message})
    return value.strip() if isinstance(value, str) else value


def _officer_of(report: Report, officer: Any) -> User:
    if not isinstance(officer, User):
        raise ValidationError({"officer": "Vui lòng chọn cán bộ xử lý."})
    if (
        not officer.is_active
        or officer.agency_id != report.agency_id
        or officer.role not in (Role.OFFICER, Role.LEADER)
    ):
        raise ValidationError({"officer": "Chỉ phân công được cán bộ đang hoạt động của cơ quan đang xử lý."})
    return officer


def forward(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    from pakn.org.services import suggested_commune_agency

    target = p.get("agency") or suggested_commune_agency(report.area, report.latitude, report.longitude)
    if target is None:
        raise ValidationError(
            {"agency": "Chưa xác định được UBND xã/phường nơi xảy ra sự việc; vui lòng chọn cơ quan xử lý."}
        )
    if not target.is_active or target.is_province_level or target.pk == report.agency_id:
        raise ValidationError({"agency": "Không thể chuyển phản ánh đến cơ quan này."})
    # R-7.2b: an incomplete report is first asked to be supplemented; forwarding it anyway needs a
    # stated reason, recorded with what was missing (internal: the event itself is public).
    missing = missing_information(report)
    reason = (p.get("incomplete_reason") or "").strip()
    if missing and not reason:
        raise ValidationError(
            {
                "incomplete_reason": "Phản ánh còn thiếu: "
                + missing_information_text(report)
                + ". Vui lòng đề nghị bổ sung thông tin, hoặc nêu lý do chuyển xử lý khi chưa đủ thông tin "
                "(theo Điều 5, Điều 7 Quy chế)."
            }
        )
    data = {"missing": missing, "incomplete_reason": reason} if missing else {}
    # Forwarding is the IOC's triage: from now on the report's (masked, redacted) text is public.
    return Outcome(
        State.ROUTED,
        {**arrive_at(target, now, is_complex=report.is_complex), "text_public": True},
        note=p.get("note", ""),
        data=data,
        target_agency=target,
    )


def request_info(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu thông tin cần bổ sung.")
    return Outcome(State.AWAITING_INFO, enter_step(Step.SUPPLEMENT, report.agency, now), note=note)


SUPPLEMENT_FIELDS = ("reporter_name", "reporter_address", "address_text", "latitude", "longitude", "area")


def supplement(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    if report.due_at and report.due_at < now:
        raise InvalidTransition("Đã quá thời hạn 01 giờ để bổ sung thông tin; phản ánh sẽ bị hủy.")
    changes: dict[str, Any] = {
        k: str(p[k]).strip() for k in ("reporter_name", "reporter_address") if p.get(k) not in (None, "")
    }
    # The place is checked as at submission; identity gets its validation and look-up hashes.
    changes.update(
        place_changes(
            address_text=p.get("address_text"),
            latitude=p.get("latitude"),
            longitude=p.get("longitude"),
            area=p.get("area"),
        )
    )
    changes.update(
        reporter_identity_changes(phone=p.get("reporter_phone"), id_number=p.get("reporter_id_number"))
    )
    # The added text stays on the timeline (visible to the reporter and staff), never in the public
    # content: a reporter answering "what is missing" often writes personal details.
    addition = (p.get("note") or "").strip()
    if not changes and not addition:
        raise ValidationError({"note": "Vui lòng nhập thông tin bổ sung."})
    changes.update(enter_step(Step.TRIAGE, report.agency, now))
    return Outcome(
        State.RECEIVED,
        changes,
        note=addition,
        data={"fields": sorted(k for k in changes if k in SUPPLEMENT_FIELDS or k.startswith("reporter_"))},
    )


def cancel_expired(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    if report.due_at is None or report.due_at > now:
        raise InvalidTransition("Chưa hết thời hạn bổ sung thông tin.")
    reason = "Quá 01 giờ kể từ khi đề nghị mà không nhận được thông tin bổ sung (theo điểm b khoản 2 Điều 7 Quy chế)."
    return Outcome(State.CANCELLED, {"closed_reason": reason, "escalate_by": None, **NO_STEP}, note=reason)


REJECT_REASONS = {
    "complaint": "Nội dung là khiếu nại, tố cáo: đề nghị gửi theo quy định của Luật Khiếu nại, Luật Tố cáo "
    "đến cơ quan có thẩm quyền (theo khoản 1 Điều 1 Quy chế).",
    "legal_advice": "Nội dung là đề nghị tư vấn pháp luật, không thuộc phạm vi tiếp nhận của hệ thống.",
    "unlawful": "Nội dung phản ánh trái quy định của pháp luật.",
    "invalid": "Phản ánh không đáp ứng quy định về nội dung, thông tin (theo Điều 5 Quy chế).",
    "duplicate": "Phản ánh trùng với phản ánh đã được tiếp nhận.",
    "other": "",
}


def reject(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    code = p.get("reason_code") or "other"
    if code not in REJECT_REASONS:
        raise ValidationError({"reason_code": "Lý do từ chối không hợp lệ."})
    note = (p.get("note") or "").strip()
    if code == "other" and not note:
        raise ValidationError({"note": "Vui lòng nêu lý do từ chối."})
    reason = " ".join(x for x in (REJECT_REASONS[code], note) if x)
    return Outcome(
        State.REJECTED,
        {"closed_reason": reason, "escalate_by": None, **NO_STEP},
        note=reason,
        data={"reason_code": code},
    )


def assign(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    officer = _officer_of(report, p.get("officer"))
    return Outcome(
        State.IN_PROGRESS,
        {"assignee": officer, **enter_step(Step.HANDLE, report.agency, now)},
        note=p.get("note", ""),
        data={"officer": officer.pk},
    )


def reassign(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    officer = _officer_of(report, p.get("officer"))
    if officer.pk == report.assignee_id:
        raise ValidationError({"officer": "Cán bộ này đang được phân công xử lý phản ánh."})
    return Outcome(
        report.state,
        {"assignee": officer},
        note=p.get("note", ""),
        data={"officer": officer.pk, "previous_officer": report.assignee_id},
    )


def escalate(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu lý do chuyển cấp trên.")
    parent = report.agency.parent
    if parent is None or not parent.is_active:
        raise ValidationError({"agency": "Cơ quan này không có cấp trên để chuyển phản ánh."})
    is_complex = bool(p.get("is_complex")) or report.is_complex
    changes = arrive_at(parent, now, is_complex=is_complex)
    changes["is_complex"] = is_complex
    to_state = State.COORDINATING if parent.is_province_level else State.ROUTED
    return Outcome(
        to_state,
        changes,
        note=note,
        target_agency=parent,
        closes=(
            (Step.ESCALATE, report.escalate_by, report.escalate_statutory)
            if report.escalate_by
            else (Step.ESCALATE, report.due_at, report.step_statutory)
        ),
        data={"is_complex": is_complex},
    )


def report_result(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    text = _required(p, "result_text", "Vui lòng nhập kết quả xử lý.")
    return Outcome(
        State.AWAITING_APPROVAL,
        {"result_text": text, **enter_step(Step.APPROVE, report.agency, now)},
        note=text,
    )


def approve(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    text = (p.get("result_text") or "").strip() or report.result_text
    if not text:
        raise ValidationError({"result_text": "Chưa có kết quả xử lý để duyệt."})
    # Approving the result publishes the photos sent with it (issue 10, item 6), recorded in the event.
    photos = result_media(report)
    return Outcome(
        State.RESOLVED,
        {"result_text": text, "resolved_at": now, "escalate_by": None, **NO_STEP},
        note=p.get("note", ""),
        data={"published_media": photos} if photos else {},
        after=[publish_after(photos)],
    )


def return_result(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu ý kiến khi trả lại kết quả.")
    return Outcome(State.IN_PROGRESS, enter_step(Step.HANDLE, report.agency, now), note=note)


def request_opinions(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    departments = list(p.get("departments") or [])
    question = _required(p, "question", "Vui lòng nêu nội dung xin ý kiến.")
    if not departments:
        raise ValidationError({"departments": "Vui lòng chọn ít nhất một sở, ngành."})
    for d in departments:
        if not isinstance(d, Agency) or d.kind != Agency.Kind.DEPARTMENT or not d.is_active:
            raise ValidationError({"departments": "Chỉ xin ý kiến được các sở, ngành đang hoạt động."})
    pending = set(
        OpinionRequest.objects.filter(report=report, answered_at__isnull=True).values_list(
            "department_id", flat=True
        )
    )
    if any(d.pk in pending for d in departments):
        raise ValidationError({"departments": "Sở, ngành này đang được xin ý kiến và chưa trả lời."})
    user = actor
    assert isinstance(user, User)

    def create_requests(event: Event) -> None:
        for d in departments:
            opinion_request_create(report, d, question=question, by=user, now=now)

    return Outcome(
        report.state,
        note="Xin ý kiến: " + "; ".join(d.name for d in departments),
        data={"departments": [d.pk for d in departments]},
        after=[create_requests],
    )


def opinion_request_create(
    report: Report, department: Agency, *, question: str, by: User, now: datetime
) -> OpinionRequest:
    """One request for an opinion (R-7.5), due by the opinion step's policy at the department's kind; due at
    once when the table has no row for it."""
    deadline = sla.deadline_for(Step.OPINION, department.kind, now)
    return OpinionRequest.objects.create(
        report=report,
        department=department,
        question=question,
        requested_by=by,
        requested_at=now,
        due_at=deadline.at if deadline else now,
        statutory=bool(deadline and deadline.statutory),
    )


def give_opinion(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    answer = _required(p, "answer", "Vui lòng nhập ý kiến của sở, ngành.")
    assert isinstance(actor, User)
    request = (
        OpinionRequest.objects.filter(report=report, department_id=actor.agency_id, answered_at__isnull=True)
        .order_by("requested_at")
        .first()
    )
    assert request is not None  # guaranteed by the department_asked rule

    def record_answer(event: Event) -> None:
        updated = OpinionRequest.objects.filter(pk=request.pk, answered_at__isnull=True).update(
            answer=answer, answered_by=actor, answered_at=now
        )
        if updated != 1:
            raise StaleReport("Ý kiến của sở, ngành đã được ghi nhận trước đó.")

    return Outcome(
        report.state,
        note=f"{actor.agency} đã cho ý kiến.",
        data={"opinion_request": request.pk},
        closes=(Step.OPINION, request.due_at, request.statutory),
        event_agency=actor.agency,
        after=[record_answer],
    )


def publish_result(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    text = _required(p, "result_text", "Vui lòng nhập kết quả xử lý để công khai.")
    # Photos sent with earlier results are published now; those sent with this action are stored after it
    # and published by it (media.attachment_add(published_by_event=...)).
    photos = result_media(report)
    return Outcome(
        State.RESOLVED,
        {"result_text": text, "resolved_at": now, **NO_STEP},
        note=p.get("note", ""),
        data={"published_media": photos} if photos else {},
        after=[publish_after(photos)],
    )


def take_over(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu lý do Văn phòng UBND tỉnh chủ trì xử lý.")
    assert isinstance(actor, User) and actor.agency is not None
    if report.agency_id == actor.agency_id and report.state == State.COORDINATING:
        raise InvalidTransition("Văn phòng UBND tỉnh đang chủ trì xử lý phản ánh này.")
    changes = arrive_at(actor.agency, now, is_complex=report.is_complex)
    if report.state == State.RESOLVED:
        # Reopened: the result and its rating will be the supervisor's; history stays in the events.
        changes.update(clarification_pending=False, resolved_at=None, rating="", rated_at=None)
    return Outcome(State.COORDINATING, changes, note=note, target_agency=actor.agency)


def reply(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    text = _required(p, "note", "Vui lòng nhập nội dung cần làm rõ.")
    changes: dict[str, Any] = {"clarification_pending": True}
    if not report.clarification_pending:
        changes.update(enter_step(Step.CLARIFY, report.agency, now))
    return Outcome(report.state, changes, note=text)


def clarify(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    text = _required(p, "note", "Vui lòng nhập nội dung trả lời.")
    if not report.clarification_pending:
        raise InvalidTransition("Người phản ánh chưa đề nghị làm rõ kết quả.")
    return Outcome(
        report.state,
        {"clarification_pending": False, **NO_STEP},
        note=text,
        closes=(Step.CLARIFY, report.due_at, report.step_statutory),
    )


def rate(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    rating = p.get("rating")
    if rating not in Rating.values:
        raise ValidationError({"rating": "Vui lòng chọn: hài lòng, chấp nhận được hoặc không hài lòng."})
    if report.rating:
        raise InvalidTransition("Phản ánh này đã được đánh giá.")
    # Issue 14, item 10: «Không hài lòng» says why; asking for clarification needs a text too, and the
    # service takes the `reply` with it in the same transaction (services.report_rate).
    note = (p.get("note") or "").strip()
    if rating == Rating.UNSATISFIED and not note:
        raise ValidationError({"note": "Vui lòng cho biết vì sao bạn không hài lòng."})
    asked = bool(p.get("ask_clarification"))
    if asked and not note:
        raise ValidationError({"note": "Vui lòng nhập nội dung cần làm rõ."})
    data: dict[str, Any] = {"rating": rating, **({"clarification": True} if asked else {})}
    return Outcome(report.state, {"rating": rating, "rated_at": now}, note=note, data=data)


def flag(field_name: str) -> Effect:
    def effect(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
        value = bool(p.get("value", True))
        if getattr(report, field_name) == value:
            raise InvalidTransition("Phản ánh đã ở trạng thái đánh dấu này.")
        changes: dict[str, Any] = {field_name: value}
        if (
            field_name == "is_complex"
            and report.escalate_by
            and report.agency_since
            and report.agency.parent_id
        ):
            # R-7.4b: a complex case may take up to 2 working days to escalate from a district.
            escalation = sla.deadline_for(
                Step.ESCALATE, report.agency.kind, report.agency_since, is_complex=value
            )
            changes["escalate_by"] = escalation.at if escalation else None
            changes["escalate_statutory"] = bool(escalation and escalation.statutory)
            if report.state == State.ROUTED:
                waiting = {"overdue_at": report.due_at if report.step_statutory else None}
                changes["overdue_at"] = waiting_overdue_at(waiting, changes["escalate_by"])
                changes["overdue_noted"] = False
        return Outcome(report.state, changes, note=p.get("note", ""), data={"value": value})

    return effect


def bar_reporter(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu lý do hạn chế người gửi.")
    if not (report.phone_hash or report.id_number_hash):
        raise ValidationError({"note": "Phản ánh không có số điện thoại hoặc số định danh để hạn chế."})
    if is_barred(phone_hash=report.phone_hash, id_number_hash=report.id_number_hash):
        raise InvalidTransition("Người gửi phản ánh này đã bị hạn chế gửi phản ánh.")
    count = abusive_count_for(phone_hash=report.phone_hash, id_number_hash=report.id_number_hash)
    threshold = settings.PAKN_ABUSE_BAN_THRESHOLD
    if count < threshold:
        raise InvalidTransition(
            f"Chỉ hạn chế được người gửi có từ {threshold} phản ánh bị đánh dấu sai sự thật, lợi dụng "
            f"(hiện có {count})."
        )
    assert isinstance(actor, User)

    def create_ban(event: Event) -> None:
        ReporterBan.objects.create(
            phone_hash=report.phone_hash,
            id_number_hash=report.id_number_hash,
            reason=note,
            report=report,
            agency=actor.agency,
            created_by=actor,
            created_at=now,
        )

    return Outcome(report.state, note=note, data={"abusive_reports": count}, after=[create_ban])


def overdue_to_note(report: Report, now: datetime) -> tuple[datetime, bool] | None:
    """The deadline the sweep should record as passed, and whether it is statutory; None when nothing is.

    A statutory step is noted once the case is overdue under Decision 826 (`overdue_at`); a target step
    once its target passed (a warning to whoever must act, counted nowhere)."""
    if report.overdue_noted:
        return None
    if report.overdue_at is not None and report.overdue_at < now:
        return report.overdue_at, True
    if not report.step_statutory and report.due_at is not None and report.due_at < now:
        return report.due_at, False
    return None


def note_overdue(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    noted = overdue_to_note(report, now)
    if noted is None:
        raise InvalidTransition("Bước hiện tại chưa quá hạn hoặc đã được ghi nhận quá hạn.")
    due, statutory = noted
    return Outcome(
        report.state,
        {"overdue_noted": True},
        data={"step": report.step, "due_at": due.isoformat(), "statutory": statutory},
    )


def anonymise(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    days = settings.PAKN_RETENTION_PERSONAL_DATA_DAYS
    if Event.objects.filter(report=report, action="anonymise").exists():
        raise InvalidTransition("Dữ liệu cá nhân của phản ánh này đã được xóa.")
    if report.updated_at >= retention_cutoff(now):
        raise InvalidTransition("Phản ánh chưa hết thời hạn lưu trữ dữ liệu cá nhân.")
    return Outcome(report.state, anonymise_changes(report, now), data={"retention_days": days})
