"""Focal officials' actions (Điều 14 khoản 1 Quy chế, R-14.1): reassigning a case, also a resolved one whose
clarification is still owed, and the focal official's progress update.

- `reassign`: the leader gives a case to another official of the agency. Besides the cases being handled,
  a resolved case whose reporter asked for a clarification (R-8.2) can be reassigned: the officer who
  answers it may have left. The focal hand-over (`services.focal_handover`) uses it for both.
- `update_progress` (*Cập nhật tiến độ*): a focal official of the agency holding an open case records how
  the handling stands. Public (Điều 9 khoản 2: the process of receiving, routing and handling is published
  for people to check), with phone- and ID-like numbers masked like every public note; it completes no
  step and changes no deadline.

They live here (not in actions.py and effects.py) to keep those files within 600 lines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_noop as _

from pakn.reports import effects
from pakn.reports.action_spec import ActionSpec, Input, Kind, Readers, note_input, required_text
from pakn.reports.actors import LEADER, Actor, _staff
from pakn.reports.effects import Outcome, _required
from pakn.reports.models import Event, Report, State

Visibility = Event.Visibility

HANDLING = frozenset({State.ROUTED, State.IN_PROGRESS, State.AWAITING_APPROVAL})
PROGRESS_STATES = HANDLING | {State.COORDINATING}


def focal_official(actor: Actor, report: Report) -> bool:
    """A focal official (is_focal) of the agency holding the case (Điều 14 khoản 1)."""
    user = _staff(actor)
    return user is not None and user.is_focal and user.agency_id == report.agency_id


def handled_or_clarifying(report: Report, now: datetime) -> bool:
    """Being handled, or resolved with a clarification still owed to the reporter (R-8.2)."""
    return report.state != State.RESOLVED or report.clarification_pending


def update_progress(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu tiến độ xử lý.")
    return Outcome(report.state, note=note)


OFFICER = Input(
    "officer", Kind.OFFICER, _("Cán bộ xử lý"), required=True, missing=_("Vui lòng chọn cán bộ xử lý.")
)

REASSIGN = ActionSpec(
    "reassign",
    _("Phân công lại"),
    frozenset({State.IN_PROGRESS, State.AWAITING_APPROVAL, State.RESOLVED}),
    (LEADER,),
    None,
    Visibility.INTERNAL,
    effects.reassign,
    inputs=(OFFICER, note_input(_("Chỉ đạo (không bắt buộc)"))),
    ready=handled_or_clarifying,
    help=_("Giao phản ánh cho cán bộ khác của cơ quan."),
    summary="Phân công lại cán bộ xử lý, kể cả trả lời đề nghị làm rõ (theo Điều 14 Quy chế)",
    api_path="reassign",
)

UPDATE_PROGRESS = ActionSpec(
    "update_progress",
    _("Cập nhật tiến độ"),
    PROGRESS_STATES,
    (focal_official,),
    None,
    Visibility.PUBLIC,
    update_progress,
    inputs=(
        required_text(
            "note", _("Tiến độ xử lý"), _("Vui lòng nêu tiến độ xử lý."), rows=3, readers=Readers.PUBLIC
        ),
    ),
    help=_(
        "Cán bộ đầu mối cập nhật tiến độ xử lý (theo Điều 14 Quy chế); nội dung được công khai trên "
        "trang theo dõi phản ánh (theo Điều 9 Quy chế), không ghi thông tin cá nhân."
    ),
    submit=_("Lưu tiến độ"),
    summary="Cán bộ đầu mối cập nhật tiến độ xử lý, công khai (theo Điều 14, Điều 9 Quy chế)",
    api_path="progress",
)

FOCAL_SPECS = (UPDATE_PROGRESS,)
