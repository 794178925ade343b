"""Every read of reports that depends on who asks: scoped by the viewer's agency and role (R-3.2, R-14.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pakn.org.models import Agency, User
from pakn.reports.models import (
    OPEN_STATES,
    Attachment,
    Event,
    OpinionRequest,
    PersonalDataAccess,
    Report,
    State,
)
from pakn.reports.pii import EMAIL_MASK, PHONE_MASK, mask_personal_data

Role = User.Role


def agency_subtree_ids(agency: Agency) -> list[int]:
    """The agency and every agency below it (its escalation children, recursively).

    Kept on the agency object, which lives for one request (report_scope asks for each query it builds)."""
    cached: list[int] | None = agency.__dict__.get("_subtree_ids")
    if cached is not None:
        return list(cached)
    ids = _subtree_ids(agency)
    agency.__dict__["_subtree_ids"] = ids
    return list(ids)


def _subtree_ids(agency: Agency) -> list[int]:
    ids = [agency.pk]
    frontier = [agency.pk]
    while frontier:
        frontier = list(
            Agency.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def report_scope(viewer: User) -> QuerySet[Report]:
    """The reports a staff member may see.

    The supervisor, the IOC and the administrator see every report; a leader his agency's and those of the
    agencies below it (now or in their history); an officer the cases assigned to him and his agency's; a
    department the cases it was asked about.
    """
    reports = Report.objects.all()
    if not viewer.is_active or viewer.agency_id is None:
        return reports.none()
    if viewer.role in (Role.SUPERVISOR, Role.ADMIN) or viewer.agency.kind == Agency.Kind.IOC:  # type: ignore[union-attr]
        return reports
    if viewer.role == Role.SPECIALIST:
        asked = OpinionRequest.objects.filter(department_id=viewer.agency_id).values("report_id")
        return reports.filter(pk__in=asked)
    if viewer.role == Role.LEADER:
        subtree = agency_subtree_ids(viewer.agency)  # type: ignore[arg-type]
        # Correlated EXISTS, not `pk IN (SELECT …)`: an IN under OR makes PostgreSQL read every report the
        # agencies ever handled (a hash of 50,000 timeline entries for a commune at a million reports) before
        # the first row; EXISTS reads the timeline of the rows it is asked about (issue 13).
        handled = Event.objects.filter(report_id=OuterRef("pk"), agency_id__in=subtree)
        consulted = OpinionRequest.objects.filter(report_id=OuterRef("pk"), department_id__in=subtree)
        return reports.filter(Q(agency_id__in=subtree) | Exists(handled) | Exists(consulted))
    if viewer.role == Role.OFFICER:
        return reports.filter(Q(assignee=viewer) | Q(agency_id=viewer.agency_id))
    return reports.none()


def report_get_for(viewer: User, pk: int) -> Report:
    """One report the viewer may see, or 404 (the same answer whether it exists or not)."""
    report = (
        report_scope(viewer).select_related("agency", "category", "area", "assignee").filter(pk=pk).first()
    )
    if report is None:
        raise Http404("Không tìm thấy phản ánh.")
    return report


def can_see_personal_data(viewer: User, report: Report) -> bool:
    """Only those who need it for the case (R-3.2): the IOC desk, the holding agency's leader and officer
    in charge, and the supervisor. Departments asked for opinions do not."""
    if not viewer.is_active or viewer.agency_id is None:
        return False
    if viewer.role == Role.SUPERVISOR:
        return True
    if viewer.role in (Role.OPERATOR, Role.LEADER) and viewer.agency.kind == Agency.Kind.IOC:  # type: ignore[union-attr]
        return True
    if viewer.role == Role.LEADER and report.agency_id == viewer.agency_id:
        return True
    return viewer.role == Role.OFFICER and report.assignee_id == viewer.pk


def staff_text(viewer: User, report: Report) -> tuple[str, str]:
    """The title and content a staff member reads: the originals for those with the right to personal data,
    otherwise the public copies (masked, and redacted if staff redacted them) (R-3.2, issue 10)."""
    if can_see_personal_data(viewer, report):
        return report.title, report.content
    return redact_numbers(report.public_title), redact_numbers(report.public_content)


def staff_file(viewer: User, report: Report, attachment: Attachment) -> tuple[Any, str] | None:
    """The stored file a staff member may open and its type: the original for those with the right to
    personal data, otherwise the stripped public copy (no EXIF, no GPS, redactions applied) or nothing."""
    if can_see_personal_data(viewer, report):
        return attachment.file, attachment.content_type
    if attachment.public_file:
        return attachment.public_file, "image/jpeg"
    return None


@dataclass(frozen=True)
class PersonalData:
    name: str
    address: str
    phone: str
    id_number: str
    email: str


def report_personal_data(*, viewer: User, report: Report, purpose: str = "") -> PersonalData:
    """The reporter's personal data for a viewer who may see it; every view is recorded (R-3.2)."""
    if not can_see_personal_data(viewer, report):
        raise PermissionDenied("Bạn không có quyền xem thông tin cá nhân của người phản ánh.")
    PersonalDataAccess.objects.create(
        user=viewer, report=report, kind=PersonalDataAccess.Kind.VIEW, detail=purpose[:200]
    )
    return PersonalData(
        report.reporter_name,
        report.reporter_address,
        report.reporter_phone,
        report.reporter_id_number,
        report.reporter_email,
    )


# --- Who reads an entry's note (issue 14, item 2) ------------------------------------------------------


def note_readers(event: Event) -> str:
    """Who reads this timeline entry's note (a `Readers` value): its action's spec says, and an opt-in note
    is public only when its author published it. The creation has no spec: its note follows its entry."""
    from pakn.reports.action_spec import Readers
    from pakn.reports.actions import SPECS

    spec = SPECS.get(event.action)
    if spec is not None:
        readers = spec.note_readers
    elif event.visibility == Event.Visibility.INTERNAL:
        readers = Readers.STAFF
    else:
        readers = Readers.PUBLIC if event.visibility == Event.Visibility.PUBLIC else Readers.REPORTER
    if readers == Readers.OPT_IN:
        return Readers.PUBLIC if event.note_public else Readers.STAFF
    return str(readers)


def public_note(event: Event) -> str:
    """The note as the public reads it: only a public one, phone- and ID-like numbers masked."""
    from pakn.reports.action_spec import Readers

    return redact_numbers(event.note) if event.note and note_readers(event) == Readers.PUBLIC else ""


def reporter_note(event: Event) -> str:
    """The note as the reporter reads it through the private link: public notes, those addressed to him and
    his own; never a staff note."""
    from pakn.reports.action_spec import Readers

    seen = (Readers.PUBLIC, Readers.REPORTER, Readers.AGENCY)
    return event.note if event.visibility != Event.Visibility.INTERNAL and note_readers(event) in seen else ""


def events_for_reporter(report: Report) -> QuerySet[Event]:
    """The timeline the reporter sees through the private link: public and addressed-to-him entries."""
    return report.events.exclude(visibility=Event.Visibility.INTERNAL).select_related(
        "agency", "target_agency"
    )


# --- A case, for staff -----------------------------------------------------------------------------------------------


def case_events(report: Report) -> list[Event]:
    """The whole timeline, public and internal (staff only)."""
    return list(
        report.events.select_related("actor", "actor__agency", "agency", "target_agency").order_by("seq")
    )


REPORTER_ACTIONS = ("request_info", "supplement", "reply", "clarify", "reject")


def reporter_messages(events: Sequence[Event]) -> list[Event]:
    """The exchange with the reporter: requests for information, supplements, clarifications."""
    return [e for e in events if e.action in REPORTER_ACTIONS]


def case_opinions(report: Report) -> list[OpinionRequest]:
    return list(
        OpinionRequest.objects.filter(report=report)
        .select_related("department", "requested_by", "answered_by")
        .order_by("requested_at", "pk")
    )


def assignable_officers(agency: Agency) -> list[Any]:
    """Active officers and leaders of an agency with their number of open cases (to spread the load)."""
    return list(
        User.objects.filter(agency=agency, is_active=True, role__in=[Role.OFFICER, Role.LEADER])
        .annotate(open_cases=Count("assigned_reports", filter=Q(assigned_reports__state__in=OPEN_STATES)))
        .order_by("role", "last_name", "first_name")
    )


def agency_staff(agency: Agency) -> list[Any]:
    """The staff of an agency with their open cases (the leader's staff page, R-14.1)."""
    return list(
        User.objects.filter(agency=agency)
        .annotate(open_cases=Count("assigned_reports", filter=Q(assigned_reports__state__in=OPEN_STATES)))
        .order_by("-is_active", "role", "last_name", "first_name")
    )


# --- The public view: a different type, with no personal-data field at all (DESIGN rule 6) ------------


def redact_numbers(text: str) -> str:
    """Public text with phone numbers, ID numbers and e-mail addresses masked (pakn.reports.pii, R-3.2)."""
    masked = mask_personal_data(text or "")
    if PHONE_MASK in masked:  # translated only when present: lists and the map call this for every row
        masked = masked.replace(PHONE_MASK, _("[số đã ẩn]"))
    if EMAIL_MASK in masked:
        masked = masked.replace(EMAIL_MASK, _("[email đã ẩn]"))
    return masked


def public_excerpt(*, text_public: bool, public_title: str, public_content: str, length: int = 120) -> str:
    """A short public text of a report (its fields of these names) for lists and map markers: masked before
    it is cut (a cut number would escape the mask), empty until the IOC has triaged the report."""
    if not text_public:
        return ""
    text = redact_numbers(public_title or public_content)
    return text if len(text) <= length else text[: length - 3] + "…"


# Internal steps whose occurrence (not their note) is part of the public process: the officer
# reporting the result is the end of the "verify and report" step and its deadline.
PUBLIC_MILESTONES = frozenset({"report_result"})


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    action: str
    label: str
    agency: str
    target_agency: str
    to_state: str
    note: str
    step: str
    step_due_at: datetime | None
    on_time: bool | None


@dataclass(frozen=True)
class PublicReport:
    tracking_code: str
    category: str
    title: str
    content: str
    address_text: str
    area: str
    latitude: Decimal | None
    longitude: Decimal | None
    state: str
    state_label: str
    agency: str
    due_at: datetime | None
    is_overdue: bool
    created_at: datetime
    resolved_at: datetime | None
    result_text: str
    rating: str


def public_reports() -> QuerySet[Report]:
    """Reports the public may see: never state secrets (R-9.2) nor reports rejected as abusive."""
    return Report.objects.filter(is_state_secret=False, is_abusive=False)


def public_report(report: Report, *, now: datetime | None = None) -> PublicReport:
    if report.is_state_secret or report.is_abusive:
        raise Http404("Không tìm thấy phản ánh.")
    # Until the IOC has triaged it, the public sees the category, the place and the state only.
    shown = report.text_public
    return PublicReport(
        tracking_code=report.tracking_code,
        category=report.category.name,
        title=redact_numbers(report.public_title) if shown else "",
        content=redact_numbers(report.public_content) if shown else "",
        address_text=redact_numbers(report.address_text),
        area=report.area.name if report.area_id else "",  # type: ignore[union-attr]
        latitude=report.latitude,
        longitude=report.longitude,
        state=report.state,
        state_label=str(State(report.state).label),
        agency=report.agency.name,
        due_at=report.due_at,
        is_overdue=report.is_overdue(now or timezone.now()),
        created_at=report.created_at,
        resolved_at=report.resolved_at,
        result_text=redact_numbers(report.result_text) if report.state == State.RESOLVED else "",
        rating=report.rating,
    )


def public_events(report: Report) -> list[PublicEvent]:
    """The public timeline (R-9.2): every step that is not internal, and the public milestones; only the
    notes the public may read (`public_note`: staff notes only when published), numbers masked."""
    from pakn.reports.actions import label_of

    events = report.events.filter(
        ~Q(visibility=Event.Visibility.INTERNAL) | Q(action__in=PUBLIC_MILESTONES)
    ).select_related("agency", "target_agency")
    return [
        PublicEvent(
            at=e.at,
            action=e.action,
            label=label_of(e.action),
            agency=e.agency.name if e.agency_id else "",  # type: ignore[union-attr]
            target_agency=e.target_agency.name if e.target_agency_id else "",  # type: ignore[union-attr]
            to_state=e.to_state,
            note=public_note(e),
            # Only a deadline Decision 826 sets is part of the public record; an internal target is not.
            step=e.step if e.statutory else "",
            step_due_at=e.step_due_at if e.statutory else None,
            on_time=e.on_time if e.statutory else None,
        )
        for e in events
    ]


# --- "Phản ánh của tôi" (issue 14, item 8) -----------------------------------------------------------------


@dataclass(frozen=True)
class OwnReport:
    """One line of a citizen's own list: what he needs to recognise it, nothing of its text or people."""

    tracking_code: str
    category: str
    state: str
    created_at: datetime


def reports_of_phone(phone_hash: str) -> list[OwnReport]:
    """Every report sent from this phone number (its keyed look-up hash, R-3.2), newest first.

    Only exact matches of a non-empty hash: a report without a phone, or whose reporter's data was erased
    (R-13.2 empties the hash), belongs to nobody's list.
    """
    if not phone_hash:
        return []
    rows = (
        Report.objects.filter(phone_hash=phone_hash)
        .select_related("category")
        .only("tracking_code", "state", "created_at", "category__name")
        .order_by("-created_at", "-pk")
    )
    return [OwnReport(r.tracking_code, r.category.name, r.state, r.created_at) for r in rows]


def phone_has_reports(phone_hash: str) -> bool:
    return bool(phone_hash) and Report.objects.filter(phone_hash=phone_hash).exists()


def report_objects_of_phone(phone_hash: str) -> list[Report]:
    """The reports themselves (for the services that act on each, such as subscribing a browser to them)."""
    if not phone_hash:
        return []
    return list(Report.objects.filter(phone_hash=phone_hash).order_by("pk"))
