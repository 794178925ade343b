"""Input and output schemas of the REST API v1, with examples (they are the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from pakn.reports.actions import SPECS
from pakn.reports.limits import (
    ADDRESS_MAX,
    CONTENT_MAX,
    EMAIL_MAX,
    ID_NUMBER_MAX,
    NAME_MAX,
    PHONE_MAX,
    TITLE_MAX,
)


def _limit(action: str, name: str) -> int | None:
    """An input's length limit, from the action's spec (the same on every surface)."""
    return SPECS[action].input(name).max_length


StateCode = Literal[
    "received",
    "awaiting_info",
    "routed",
    "in_progress",
    "awaiting_approval",
    "coordinating",
    "resolved",
    "rejected",
    "cancelled",
]
RatingCode = Literal["satisfied", "acceptable", "unsatisfied"]
RoleCode = Literal["operator", "leader", "officer", "specialist", "supervisor", "admin", ""]

# --- Reference data -------------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str = Field(examples=["ve-sinh-moi-truong"])
    name: str = Field(examples=["Vệ sinh môi trường"])
    description: str = Field(examples=[""])


class AreaOut(Schema):
    code: str = Field(examples=["5977"])
    name: str = Field(examples=["Phường Đông Kinh"])
    kind: Literal["province", "district", "commune"]
    type_label: str = Field(examples=["phường"])
    parent_code: str | None = Field(examples=["20"])


# --- Citizens: submitting and following up ----------------------------------------------------------------


class ReportSubmitIn(Schema):
    """A report (R-5.1): the reporter's fields are required; media files go in the `media` parts."""

    category: str = Field(description="A category code from GET /categories", examples=["ve-sinh-moi-truong"])
    content: str = Field(
        min_length=1, max_length=CONTENT_MAX, examples=["Rác thải tồn đọng nhiều ngày, bốc mùi."]
    )
    title: str = Field("", max_length=TITLE_MAX, examples=["Rác tồn đọng"])
    reporter_kind: Literal["person", "organisation"] = "person"
    reporter_name: str = Field("", max_length=NAME_MAX, examples=["Nguyễn Văn An"])
    reporter_address: str = Field("", max_length=ADDRESS_MAX, examples=["Số 12 Lê Lợi, phường Đông Kinh"])
    reporter_phone: str = Field("", max_length=PHONE_MAX, examples=["0912345678"])
    reporter_id_number: str = Field("", max_length=ID_NUMBER_MAX, examples=["020123456789"])
    reporter_email: str = Field("", max_length=EMAIL_MAX, examples=[""])
    address_text: str = Field("", max_length=ADDRESS_MAX, examples=["Trước số 25 Trần Đăng Ninh"])
    latitude: float | None = Field(None, ge=-90, le=90, examples=[21.8537])
    longitude: float | None = Field(None, ge=-180, le=180, examples=[106.7615])
    area: str | None = Field(
        None, description="The commune's code (GET /areas?kind=commune)", examples=["5977"]
    )
    declared_truthful: bool = Field(
        False, description="R-5.2: the reporter declares the information truthful"
    )
    channel: Literal["app", "api"] = Field("app", description="`app` for the citizens' app, `api` for others")


class MediaOut(Schema):
    id: int
    kind: Literal["image", "video", "audio"]
    url: str = Field(
        description="Public, EXIF-free copy", examples=["http://127.0.0.1:8000/media/public/12/"]
    )


class SubmittedOut(Schema):
    tracking_code: str = Field(examples=["K7MP-4QX9"])
    secret: str = Field(
        description="The private follow-up secret, shown only now: send it as X-Report-Secret",
        examples=["mL3q1Yb0ZcVnQy8b1x2W0sXv6Jd4Hk9P"],
    )
    state: StateCode
    state_label: str = Field(examples=["Chờ tiếp nhận"])
    due_at: datetime | None = Field(description="Deadline of the first step (the IOC checks within 1 hour)")
    created_at: datetime
    attachments: int = Field(description="How many media files were stored", examples=[1])
    next_step: str = Field(
        examples=["Trung tâm IOC kiểm tra và chuyển phản ánh đến cơ quan xử lý trong 01 giờ."]
    )


class PublicEventOut(Schema):
    at: datetime
    action: str = Field(examples=["forward"])
    label: str = Field(examples=["Chuyển xử lý"])
    agency: str = Field(examples=["Trung tâm Thông tin chỉ đạo điều hành tỉnh (IOC)"])
    target_agency: str = Field(examples=["UBND Phường Đông Kinh"])
    to_state: str = Field(examples=["routed"])
    note: str
    step: str = Field(examples=["triage"])
    step_due_at: datetime | None
    on_time: bool | None


class PublicReportOut(Schema):
    tracking_code: str = Field(examples=["K7MP-4QX9"])
    category: str = Field(examples=["Vệ sinh môi trường"])
    title: str
    content: str
    address_text: str
    area: str = Field(examples=["Phường Đông Kinh"])
    latitude: float | None
    longitude: float | None
    state: StateCode
    state_label: str = Field(examples=["Đang xử lý"])
    agency: str = Field(examples=["UBND Phường Đông Kinh"])
    due_at: datetime | None
    is_overdue: bool
    created_at: datetime
    resolved_at: datetime | None
    result_text: str
    rating: str = Field(examples=["satisfied"])
    media: list[MediaOut]


class PublicReportDetailOut(PublicReportOut):
    timeline: list[PublicEventOut]


class PublicReportPage(Schema):
    items: list[PublicReportOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class ReporterEventOut(PublicEventOut):
    visibility: Literal["public", "reporter"]


class MyReportOut(PublicReportDetailOut):
    """The reporter's own view: the public view, the notes addressed to him, and what he can do now."""

    timeline: list[ReporterEventOut]  # type: ignore[assignment]
    closed_reason: str
    clarification_pending: bool
    requested_info: str = Field(description="What the IOC asked for, while the report awaits information")
    allowed_actions: list[Literal["supplement", "reply", "rate"]]


class SupplementIn(Schema):
    """R-7.2b: what the IOC asked for; every field optional, at least one needed. Media in `media` parts."""

    note: str = Field("", max_length=_limit("supplement", "note"), examples=["Vị trí: cạnh cột điện số 12."])
    reporter_name: str = Field("", max_length=_limit("supplement", "reporter_name"))
    reporter_address: str = Field("", max_length=_limit("supplement", "reporter_address"))
    reporter_phone: str = Field("", max_length=_limit("supplement", "reporter_phone"))
    reporter_id_number: str = Field("", max_length=_limit("supplement", "reporter_id_number"))
    address_text: str = Field("", max_length=_limit("supplement", "address_text"))
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    area: str | None = Field(None, description="The commune's code")


class MessageOut(Schema):
    at: datetime
    sender: Literal["reporter", "agency", "system"]
    agency: str
    action: str = Field(examples=["clarify"])
    label: str = Field(examples=["Trả lời làm rõ"])
    text: str


class MessageIn(Schema):
    text: str = Field(
        min_length=1, max_length=_limit("reply", "note"), examples=["Đề nghị cho biết thời gian hoàn thành."]
    )


class RatingIn(Schema):
    rating: RatingCode
    note: str = Field(
        "",
        max_length=_limit("rate", "note"),
        description="Why (required with `unsatisfied`); read by the handling agency, never published",
        examples=["Ổ gà mới vá đã bong lại."],
    )
    ask_clarification: bool = Field(
        False, description="Also ask the agency to clarify its result (theo Điều 8 Quy chế), with `note`"
    )


# --- Staff: tokens ---------------------------------------------------------------------------------------


class AgencyRef(Schema):
    id: int
    code: str = Field(examples=["ioc"])
    name: str = Field(examples=["Trung tâm Thông tin chỉ đạo điều hành tỉnh (IOC)"])
    kind: str = Field(examples=["ioc"])


class UserRef(Schema):
    id: int
    full_name: str = Field(examples=["Nguyễn Văn Bình"])
    role: RoleCode


class MeOut(Schema):
    id: int
    username: str = Field(examples=["tiepnhan"])
    full_name: str
    role: RoleCode
    role_label: str = Field(examples=["Cán bộ tiếp nhận (IOC)"])
    agency: AgencyRef | None
    is_focal: bool
    two_factor: bool = Field(description="The account has a confirmed TOTP device")


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150, examples=["tiepnhan"])
    password: str = Field(min_length=1, max_length=200, examples=["Demo-…"])
    device_name: str = Field(min_length=1, max_length=100, examples=["Điện thoại Samsung A15 của anh Bình"])
    otp_code: str = Field("", max_length=12, description="TOTP code, when the account has one", examples=[""])


class TokenIssuedOut(Schema):
    id: int
    token: str = Field(description="Shown only now; send as `Authorization: Bearer <token>`")
    device_name: str
    created_at: datetime
    expires_at: datetime
    user: MeOut


class TokenOut(Schema):
    id: int
    device_name: str
    prefix: str = Field(examples=["pakn_a1B2c3"])
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    current: bool = Field(description="The token of this request")


# --- Staff: the inbox and a case --------------------------------------------------------------------------

TabCode = Literal["mine", "agency", "due_soon", "overdue", "done"]


class InboxFiltersIn(Schema):
    tab: TabCode = "mine"
    category: str | None = Field(None, description="Category code")
    area: str | None = Field(None, description="Area code (a commune, or a district with its communes)")
    state: StateCode | None = None
    channel: Literal["web", "app", "api", "open311", "staff"] | None = None
    agency: str | None = Field(None, description="Agency code")
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = Field(
        None,
        max_length=40,
        description="A tracking code, or a full phone or ID number (exact; the search is recorded, R-3.2)",
    )
    cursor: str | None = None
    page_size: int = Field(25, ge=1, le=100)


class CaseSummaryOut(Schema):
    id: int
    tracking_code: str
    title: str
    excerpt: str
    category: str
    area: str
    state: StateCode
    state_label: str
    step: str
    due_at: datetime | None
    is_overdue: bool
    countdown: str = Field(examples=["Còn 3 giờ 20 phút làm việc"])
    agency: AgencyRef
    assignee: UserRef | None
    channel: str
    created_at: datetime
    updated_at: datetime
    clarification_pending: bool


class TabCountOut(Schema):
    tab: TabCode
    label: str
    count: int
    capped: bool = Field(description="More than `count` cases (counts stop at a cap)")


class InboxOut(Schema):
    tab: TabCode
    items: list[CaseSummaryOut]
    next_cursor: str | None
    counts: list[TabCountOut]
    message: str = Field("", description="A note about the search, e.g. why it found nothing")


class ActionOut(Schema):
    action: str = Field(examples=["forward"])
    label: str = Field(examples=["Chuyển xử lý"])
    method: Literal["POST"] = "POST"
    path: str = Field(examples=["/api/v1/staff/cases/12/forward"])


class StaffEventOut(Schema):
    seq: int
    at: datetime
    action: str
    label: str
    actor: UserRef | None
    actor_kind: Literal["staff", "reporter", "system"]
    agency: str
    target_agency: str
    from_state: str
    to_state: str
    step: str
    step_due_at: datetime | None
    on_time: bool | None
    due_at: datetime | None
    note: str
    note_readers: Literal["staff", "reporter", "agency", "departments", "public", "approval"] = Field(
        description="Who reads the note: staff only, the reporter, the public (a staff note only if published)"
    )
    visibility: Literal["public", "reporter", "internal"]


class StaffMediaOut(Schema):
    id: int
    kind: Literal["image", "video", "audio"]
    content_type: str
    size: int
    uploaded_by_reporter: bool
    created_at: datetime
    url: str = Field(description="The original, for staff (bearer token needed)")
    public_url: str | None = Field(description="The public EXIF-free copy, once it is public")


class OpinionOut(Schema):
    id: int
    department: AgencyRef
    question: str
    requested_at: datetime
    due_at: datetime
    answer: str
    answered_at: datetime | None
    answered_by: UserRef | None


class CaseOut(CaseSummaryOut):
    content: str
    address_text: str
    area_code: str | None
    latitude: float | None
    longitude: float | None
    escalate_by: datetime | None
    is_complex: bool
    is_state_secret: bool
    is_valuable: bool
    is_abusive: bool
    result_text: str
    closed_reason: str
    rating: str
    resolved_at: datetime | None
    version: int = Field(description="Send it back with an action to refuse acting on a stale view (409)")
    reporter_kind: Literal["person", "organisation"]
    can_see_personal_data: bool = Field(description="GET …/reporter returns the reporter's data (recorded)")
    suggested_agency: AgencyRef | None = Field(description="Where `forward` sends the case by default")
    me_too_count: int = Field(0, description="Citizens who said «Tôi cũng gặp» (I have this too)")
    follower_count: int = Field(0, description="Confirmed followers of the public report (SMS or push)")
    missing_information: list[
        Literal["reporter_name", "reporter_address", "reporter_phone", "reporter_id_number", "place"]
    ] = Field(
        description="While the IOC triages it: what Điều 5 requires and the report lacks; ask for it "
        "(`request-info`) first, or give `incomplete_reason` to `forward`"
    )
    allowed_actions: list[ActionOut]
    timeline: list[StaffEventOut]
    attachments: list[StaffMediaOut]
    opinions: list[OpinionOut]


class PersonalDataOut(Schema):
    """R-3.2: shown only to those who need it; every view is recorded."""

    reporter_kind: Literal["person", "organisation"]
    name: str
    address: str
    phone: str
    id_number: str
    email: str


class OfficerOut(UserRef):
    open_cases: int


class AgencyOut(AgencyRef):
    parent_code: str | None


class NotificationOut(Schema):
    id: int
    at: datetime
    kind: str = Field(
        examples=["due_soon"], description="What it is about (the kinds of docs/notifications.md)"
    )
    kind_label: str
    title: str = Field(examples=["Phản ánh K7MP-4QX9 sắp đến hạn"])
    text: str
    url: str | None = Field(None, description="The console page it is about")
    case_id: int | None
    tracking_code: str | None
    read_at: datetime | None
    asks_action: bool = Field(description="Whether it asks for a step of the case (else it only informs)")
    done_at: datetime | None = Field(
        description="When it was done: its step done by anyone, or the case gone from that step; information "
        "once read"
    )


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int = Field(description="How many of my notifications are unread")
    needs_action: int = Field(description="How many of my notifications are not done (the console's badge)")


class NotificationsRead(Schema):
    marked: int
