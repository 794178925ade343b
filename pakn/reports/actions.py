"""The spec of every workflow action: the one place that says what an action is and who may take it when.

One `ActionSpec` per action gives its label, the states it starts from, who may take it (rules from
pakn.reports.actors), the state it leads to, who reads its timeline entry, its effect (pakn.reports.effects),
when it is ready at a given `now`, its inputs (kind, limit, help text) and its help text. Deadline amounts in
help texts come from the DeadlinePolicy rows through `sla.duration_text`, never from a number written here.
Every surface derives from these; `allowed_actions(report, actor, now=…)` answers "which actions may be taken".

How to add an action (see docs/architecture.md for a worked example):
1. write its effect in pakn/reports/effects.py: `def my_action(report, actor, now, params) -> Outcome`;
2. add one `ActionSpec(...)` to SPECS below (or a module of specs joined to it: moderation, marks, urging, duplicates):
   label, sources, who, target, visibility, effect, inputs, help, `group` and, for staff, `api_path`;
3. add its English label and help texts to pakn/locale/en/LC_MESSAGES/django.po.
Forms, endpoint, schema, buttons and portal follow; notification texts (pakn/notify/texts.py) are per event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

# Labels and help texts are Vietnamese msgids marked for the catalogue; they are translated when shown
# (`spec.title()`, `spec.help_text()`), so the workflow's messages can quote the Vietnamese label.
from django.utils.translation import gettext_noop as _

from pakn.org.models import Agency
from pakn.reports import effects
from pakn.reports.action_spec import (
    ActionSpec,
    Group,
    Input,
    Kind,
    Readers,
    clarification_asked,
    complex_help,
    escalate_help,
    has_parent,
    incomplete_help,
    is_incomplete,
    not_coordinated_by_supervisor,
    not_rated,
    note_input,
    public_note_inputs,
    required_text,
    retention_due,
    step_overdue_unnoted,
    supplement_expired,
    supplement_open,
    within,
)
from pakn.reports.actors import (
    HOLDING_AGENCY,
    IOC_DESK,
    LEADER,
    PROVINCE_DESK,
    ActionRefused,
    Actor,
    InvalidTransition,
    assignee,
    department_asked,
    supervisor_anywhere,
    the_reporter,
    the_system,
)
from pakn.reports.duplicates import DUPLICATE_SPECS
from pakn.reports.focal import FOCAL_SPECS, REASSIGN
from pakn.reports.leadership import LEADERSHIP_SPECS
from pakn.reports.marks import MARK_SPECS
from pakn.reports.models import CLOSED_STATES, OPEN_STATES, Event, Rating, Report, State, Step
from pakn.reports.moderation import MEDIA_SPECS, MODERATION_SPECS
from pakn.reports.oversight import OVERSIGHT_SPECS
from pakn.reports.succession import SUCCESSION_SPECS
from pakn.reports.urging import URGE_SPECS

Visibility = Event.Visibility
# --- The table ----------------------------------------------------------------------------------------------
ALL_STATES = frozenset(State.values)
HANDLING = frozenset({State.ROUTED, State.IN_PROGRESS, State.AWAITING_APPROVAL})

REJECT_CHOICES: tuple[tuple[str, Any], ...] = (
    ("complaint", _("Là khiếu nại, tố cáo (theo Điều 1 Quy chế)")),
    ("legal_advice", _("Là đề nghị tư vấn pháp luật (theo Điều 1 Quy chế)")),
    ("unlawful", _("Nội dung trái quy định của pháp luật (theo Điều 7 Quy chế)")),
    ("invalid", _("Không đáp ứng quy định về nội dung, thông tin (theo Điều 5 Quy chế)")),
    ("duplicate", _("Trùng với phản ánh đã tiếp nhận")),
    ("other", _("Lý do khác")),
)
assert {c for c, _label in REJECT_CHOICES} == set(effects.REJECT_REASONS)

OFFICER = Input(
    "officer", Kind.OFFICER, _("Cán bộ xử lý"), required=True, missing=_("Vui lòng chọn cán bộ xử lý.")
)
RESULT = required_text(
    "result_text", _("Kết quả xử lý"), _("Vui lòng nhập kết quả xử lý."), rows=5, readers=Readers.APPROVAL
)
PUBLISHED_RESULT = required_text(
    "result_text", _("Kết quả xử lý"), _("Vui lòng nhập kết quả xử lý."), rows=5, readers=Readers.PUBLIC
)
PHOTOS = Input(
    "photos",
    Kind.FILES,
    _("Ảnh, video hiện trường"),
    help=_("Chụp trực tiếp bằng điện thoại hoặc chọn tệp."),
)
INTERNAL_NOTE = note_input(_("Ghi chú nội bộ (không bắt buộc)"))


SPECS_IN_ORDER: tuple[ActionSpec, ...] = (
    # Step 2, IOC
    ActionSpec(
        "forward",
        _("Chuyển xử lý"),
        frozenset({State.RECEIVED}),
        (IOC_DESK,),
        State.ROUTED,
        Visibility.PUBLIC,
        effects.forward,
        inputs=(
            Input(
                "agency",
                Kind.AGENCY,
                _("Cơ quan xử lý"),
                help=_("Để trống: UBND xã, phường nơi xảy ra sự việc."),
            ),
            Input(
                "incomplete_reason",
                Kind.TEXT,
                _("Lý do chuyển khi chưa đủ thông tin"),
                rows=2,
                help=incomplete_help,
                shown=is_incomplete,
                readers=Readers.STAFF,
            ),
            *public_note_inputs(),
        ),
        help=within(
            Step.TRIAGE,
            _(
                "Chuyển phản ánh đến UBND xã, phường nơi xảy ra sự việc trong {duration} (theo Điều 7 Quy chế)."
            ),
        ),
        summary="Chuyển xử lý đến UBND xã/phường hoặc cơ quan khác (theo Điều 7 Quy chế)",
        api_path="forward",
    ),
    ActionSpec(
        "request_info",
        _("Đề nghị bổ sung thông tin"),
        frozenset({State.RECEIVED}),
        (IOC_DESK,),
        State.AWAITING_INFO,
        Visibility.REPORTER,
        effects.request_info,
        inputs=(
            required_text(
                "note",
                _("Thông tin cần bổ sung"),
                _("Vui lòng nêu thông tin cần bổ sung."),
                readers=Readers.REPORTER,
            ),
        ),
        help=within(
            Step.SUPPLEMENT,
            _("Người phản ánh có {duration} để bổ sung; quá hạn phản ánh sẽ bị hủy (theo Điều 7 Quy chế)."),
        ),
        submit=_("Gửi đề nghị bổ sung"),
        summary="Đề nghị người phản ánh bổ sung thông tin (theo Điều 7 Quy chế)",
        api_path="request-info",
        templates="request_info",
    ),
    ActionSpec(
        "supplement",
        _("Bổ sung thông tin"),
        frozenset({State.AWAITING_INFO}),
        (the_reporter,),
        State.RECEIVED,
        Visibility.REPORTER,
        effects.supplement,
        inputs=(
            Input("note", Kind.TEXT, _("Thông tin bổ sung"), rows=4, readers=Readers.AGENCY),
            Input("reporter_name", Kind.LINE, _("Họ và tên")),
            Input("reporter_address", Kind.LINE, _("Địa chỉ liên hệ")),
            Input("reporter_phone", Kind.LINE, _("Số điện thoại")),
            Input("reporter_id_number", Kind.LINE, _("Số CCCD hoặc CMND")),
            Input("address_text", Kind.LINE, _("Địa chỉ nơi xảy ra sự việc")),
        ),
        ready=supplement_open,
        help=within(
            Step.SUPPLEMENT,
            _("Bổ sung trong {duration} kể từ khi được đề nghị (theo Điều 7 Quy chế)."),
            kind="ioc",
        ),
        submit=_("Gửi thông tin bổ sung"),
        group=Group.REPORTER,
    ),
    ActionSpec(
        "cancel_expired",
        _("Hủy do quá hạn bổ sung"),
        frozenset({State.AWAITING_INFO}),
        (the_system,),
        State.CANCELLED,
        Visibility.PUBLIC,
        effects.cancel_expired,
        ready=supplement_expired,
        group=Group.SYSTEM,
    ),
    # R-7.2c, R-1.2 at the IOC; by the receiving leader
    ActionSpec(
        "reject",
        _("Từ chối tiếp nhận"),
        frozenset({State.RECEIVED, State.ROUTED}),
        (IOC_DESK, LEADER),
        State.REJECTED,
        Visibility.REPORTER,
        effects.reject,
        inputs=(
            Input("reason_code", Kind.CHOICE, _("Lý do"), choices=REJECT_CHOICES, default="other"),
            note_input(
                _("Giải thích thêm"), help=_("Bắt buộc khi chọn «Lý do khác»."), readers=Readers.REPORTER
            ),
        ),
        help=_("Lý do từ chối được gửi cho người phản ánh."),
        danger=True,
        summary="Từ chối tiếp nhận, nêu lý do (theo Điều 7, Điều 1, Điều 5 Quy chế)",
        api_path="reject",
    ),
    # Steps 3 and 4, at the commune or district
    ActionSpec(
        "assign",
        _("Phân công xử lý"),
        frozenset({State.ROUTED}),
        (LEADER,),
        State.IN_PROGRESS,
        Visibility.PUBLIC,
        effects.assign,
        inputs=(OFFICER, *public_note_inputs(_("Chỉ đạo (không bắt buộc)"))),
        help=within(Step.ASSIGN, _("Phân công trong {duration} (theo Điều 7 Quy chế).")),
        submit=_("Phân công"),
        summary="Phân công cán bộ xử lý (theo Điều 7 Quy chế)",
        api_path="assign",
    ),
    REASSIGN,  # also a resolved case owing a clarification: pakn.reports.focal
    *FOCAL_SPECS,  # the focal official's progress update (Điều 14): pakn.reports.focal
    ActionSpec(
        "escalate",
        _("Chuyển cấp trên"),
        HANDLING,
        (LEADER,),
        None,
        Visibility.PUBLIC,
        effects.escalate,
        inputs=(
            *public_note_inputs(
                _("Lý do chuyển cấp trên"), required=_("Vui lòng nêu lý do chuyển cấp trên.")
            ),
            Input(
                "is_complex",
                Kind.FLAG,
                _("Vụ việc phức tạp"),
                help=complex_help,
                default=False,
                shown=lambda r: r.agency.kind == Agency.Kind.DISTRICT,
            ),
        ),
        ready=has_parent,
        help=escalate_help,
        summary="Chuyển cấp trên khi vượt thẩm quyền (theo Điều 7 Quy chế)",
        api_path="escalate",
    ),
    ActionSpec(
        "report_result",
        _("Báo cáo kết quả"),
        frozenset({State.IN_PROGRESS}),
        (assignee, LEADER),
        State.AWAITING_APPROVAL,
        Visibility.INTERNAL,
        effects.report_result,
        inputs=(RESULT, PHOTOS),
        help=within(
            Step.HANDLE, _("Báo cáo kết quả xác minh, xử lý trong {duration} (theo Điều 7 Quy chế).")
        ),
        submit=_("Gửi kết quả cho lãnh đạo"),
        summary="Báo cáo kết quả xử lý cho lãnh đạo (theo Điều 7 Quy chế)",
        api_path="result",
        templates="result",
    ),
    ActionSpec(
        "approve",
        _("Duyệt kết quả"),
        frozenset({State.AWAITING_APPROVAL}),
        (LEADER,),
        State.RESOLVED,
        Visibility.PUBLIC,
        effects.approve,
        inputs=(
            Input(
                "result_text",
                Kind.TEXT,
                _("Kết quả xử lý (có thể chỉnh sửa trước khi duyệt)"),
                rows=5,
                initial=lambda r: r.result_text,
                readers=Readers.PUBLIC,
            ),
            INTERNAL_NOTE,
        ),
        help=_("Kết quả được công khai và gửi cho người phản ánh."),
        submit=_("Duyệt và công khai kết quả"),
        summary="Duyệt kết quả, công khai và gửi người phản ánh (theo Điều 7 Quy chế)",
        api_path="approve",
        templates="result",
    ),
    ActionSpec(
        "return_result",
        _("Trả lại kết quả"),
        frozenset({State.AWAITING_APPROVAL}),
        (LEADER,),
        State.IN_PROGRESS,
        Visibility.INTERNAL,
        effects.return_result,
        inputs=(
            required_text("note", _("Ý kiến của lãnh đạo"), _("Vui lòng nêu ý kiến khi trả lại kết quả.")),
        ),
        help=_("Cán bộ xử lý sẽ hoàn thiện kết quả theo ý kiến của lãnh đạo."),
        summary="Trả lại kết quả để xử lý tiếp",
        api_path="return",
    ),
    # Step 5, province and the supervisor
    ActionSpec(
        "request_opinions",
        _("Xin ý kiến sở, ngành"),
        frozenset({State.COORDINATING}),
        (PROVINCE_DESK,),
        None,
        Visibility.PUBLIC,
        effects.request_opinions,
        inputs=(
            Input(
                "departments",
                Kind.DEPARTMENTS,
                _("Sở, ngành"),
                required=True,
                missing=_("Vui lòng chọn ít nhất một sở, ngành."),
                initial=lambda r: [r.category.department_id] if r.category.department_id else [],
            ),
            required_text(
                "question",
                _("Nội dung xin ý kiến"),
                _("Vui lòng nêu nội dung xin ý kiến."),
                readers=Readers.DEPARTMENTS,
            ),
        ),
        help=within(
            Step.OPINION,
            _(
                "Các sở, ngành được chọn sẽ thấy phản ánh (không có thông tin cá nhân) và cho ý kiến trong "
                "{duration} (theo Điều 7 Quy chế)."
            ),
            kind="department",
        ),
        submit=_("Gửi xin ý kiến"),
        summary="Xin ý kiến các sở, ngành (theo Điều 7 Quy chế)",
        api_path="request-opinions",
    ),
    ActionSpec(
        "give_opinion",
        _("Cho ý kiến"),
        frozenset({State.COORDINATING}),
        (department_asked,),
        None,
        Visibility.PUBLIC,
        effects.give_opinion,
        inputs=(
            required_text(
                "answer", _("Ý kiến của sở, ngành"), _("Vui lòng nhập ý kiến của sở, ngành."), rows=5
            ),
        ),
        submit=_("Gửi ý kiến"),
        summary="Sở, ngành cho ý kiến (theo Điều 7 Quy chế)",
        api_path="opinion",
        retry_stale=True,  # departments answering at once do not lose each other's answer
    ),
    *LEADERSHIP_SPECS,  # the province's leadership consulted (Điều 7 khoản 5): pakn.reports.leadership
    ActionSpec(
        "publish_result",
        _("Công khai kết quả"),
        frozenset({State.COORDINATING}),
        (PROVINCE_DESK,),
        State.RESOLVED,
        Visibility.PUBLIC,
        effects.publish_result,
        inputs=(PUBLISHED_RESULT, INTERNAL_NOTE, PHOTOS),
        help=within(
            Step.COORDINATE,
            _("Tổng hợp ý kiến các sở, ngành và công khai kết quả trong {duration} (theo Điều 7 Quy chế)."),
        ),
        summary="Công khai kết quả cấp tỉnh (theo Điều 7 Quy chế)",
        api_path="publish",
        templates="result",
    ),
    ActionSpec(
        "take_over",
        _("Văn phòng UBND tỉnh chủ trì"),
        HANDLING | {State.COORDINATING, State.RESOLVED},
        (supervisor_anywhere,),
        State.COORDINATING,
        Visibility.PUBLIC,
        effects.take_over,
        inputs=public_note_inputs(
            _("Lý do"),
            required=_("Vui lòng nêu lý do Văn phòng UBND tỉnh chủ trì xử lý (theo Điều 4 Quy chế)."),
        ),
        ready=not_coordinated_by_supervisor,
        help=_(
            "Dùng khi các cơ quan còn ý kiến khác nhau hoặc vụ việc chưa được giải quyết (theo Điều 4 Quy chế)."
        ),
        summary="Văn phòng UBND tỉnh chủ trì xử lý (theo Điều 4 Quy chế)",
        api_path="take-over",
    ),
    *URGE_SPECS,  # urging overdue cases (issue 14, item 12): pakn.reports.urging
    # Article 8: clarification and rating
    ActionSpec(
        "reply",
        _("Đề nghị làm rõ"),
        frozenset({State.RESOLVED}),
        (the_reporter,),
        None,
        Visibility.REPORTER,
        effects.reply,
        inputs=(
            required_text(
                "note",
                _("Nội dung cần làm rõ"),
                _("Vui lòng nhập nội dung cần làm rõ."),
                readers=Readers.AGENCY,
            ),
        ),
        submit=_("Gửi đề nghị làm rõ"),
        group=Group.REPORTER,
    ),
    ActionSpec(
        "clarify",
        _("Trả lời làm rõ"),
        frozenset({State.RESOLVED}),
        (HOLDING_AGENCY,),
        None,
        Visibility.REPORTER,
        effects.clarify,
        inputs=(
            required_text(
                "note",
                _("Nội dung trả lời"),
                _("Vui lòng nhập nội dung trả lời."),
                rows=4,
                readers=Readers.REPORTER,
            ),
        ),
        ready=clarification_asked,
        help=within(
            Step.CLARIFY,
            _("Trả lời đề nghị làm rõ kết quả của người phản ánh trong {duration} (theo Điều 8 Quy chế)."),
        ),
        submit=_("Gửi trả lời"),
        summary="Trả lời đề nghị làm rõ của người phản ánh (theo Điều 8 Quy chế)",
        api_path="clarify",
        templates="clarify",
    ),
    ActionSpec(
        "rate",
        _("Đánh giá kết quả"),
        frozenset({State.RESOLVED}),
        (the_reporter,),
        None,
        Visibility.PUBLIC,
        effects.rate,
        inputs=(
            Input(
                "rating",
                Kind.CHOICE,
                _("Bạn đánh giá kết quả xử lý thế nào?"),
                required=True,
                choices=tuple(Rating.choices),
                missing=_("Vui lòng chọn: hài lòng, chấp nhận được hoặc không hài lòng."),
            ),
            # Issue 14, item 10: «Không hài lòng» asks why, and offers to ask for clarification.
            Input(
                "note",
                Kind.TEXT,
                _("Vì sao bạn không hài lòng?"),
                rows=3,
                help=_("Bắt buộc khi chọn «Không hài lòng»."),
                readers=Readers.AGENCY,
            ),
            Input(
                "ask_clarification",
                Kind.FLAG,
                _("Đề nghị cơ quan xử lý làm rõ kết quả"),
                default=False,
                help=_("Cơ quan xử lý sẽ trả lời tại trang này (theo Điều 8 Quy chế)."),
            ),
        ),
        ready=not_rated,
        submit=_("Gửi đánh giá"),
        group=Group.REPORTER,
    ),
    *MEDIA_SPECS,  # staff media (issue 10, item 6): pakn.reports.moderation
    *DUPLICATE_SPECS,  # duplicates (issue 14, item 9): pakn.reports.duplicates
    *MARK_SPECS,  # marks (R-15, R-7.4b complex, R-9.2 state secret): pakn.reports.marks
    *OVERSIGHT_SPECS,  # bans and a missed opinion deadline: pakn.reports.oversight
    *MODERATION_SPECS,  # redaction (issue 10, item 4): pakn.reports.moderation
    # Retention (R-13.2, pakn.reports.retention): the reporter's personal data erased years after closing.
    ActionSpec(
        "anonymise",
        _("Xóa dữ liệu cá nhân hết thời hạn lưu trữ"),
        CLOSED_STATES,
        (the_system,),
        None,
        Visibility.PUBLIC,
        effects.anonymise,
        ready=retention_due,
        group=Group.SYSTEM,
    ),
    *SUCCESSION_SPECS,  # 2022 → 2025 areas (issue 11, item 11): pakn.reports.succession
    # Sweeps: open steps, and a clarification the agency owes on a resolved report.
    ActionSpec(
        "note_overdue",
        _("Quá hạn"),
        OPEN_STATES | {State.RESOLVED},
        (the_system,),
        None,
        Visibility.INTERNAL,
        effects.note_overdue,
        ready=step_overdue_unnoted,
        group=Group.SYSTEM,
    ),
)

SPECS: dict[str, ActionSpec] = {spec.action: spec for spec in SPECS_IN_ORDER}
assert len(SPECS) == len(SPECS_IN_ORDER), "one spec per action"
assert all(s.api_path for s in SPECS_IN_ORDER if s.group in (Group.PROCEDURE, Group.MARK)), "staff actions"


def allowed_actions(report: Report, actor: Actor, *, now: datetime | None = None) -> list[ActionSpec]:
    """The actions this actor may take on this report at `now`: the state allows them, one of their rules
    admits the actor and they are ready. Every surface offers exactly these (buttons, forms, API links)."""
    now = now or timezone.now()
    return [
        spec
        for spec in SPECS_IN_ORDER
        if report.state in spec.sources and spec.is_ready(report, now) and spec.may(actor, report)
    ]


def check(report: Report, action: str, actor: Actor) -> ActionSpec:
    """Refuse an unknown action, a wrong state or an actor the table does not allow."""
    spec = SPECS.get(action)
    if spec is None:
        raise InvalidTransition(f"Hành động không tồn tại: {action}.")
    if report.state not in spec.sources:
        raise InvalidTransition(
            f"Không thể «{spec.label}» khi phản ánh đang ở trạng thái «{State(report.state).label}»."
        )
    if not spec.may(actor, report):
        raise ActionRefused(f"Bạn không có quyền «{spec.label}» đối với phản ánh này.")
    return spec


def label_of(action: str) -> str:
    """The label of a timeline entry's action (submission has no spec: it creates the report)."""
    spec = SPECS.get(action)
    return spec.title() if spec else gettext("Gửi phản ánh")
