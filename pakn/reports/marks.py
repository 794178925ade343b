"""The marks (R-15, R-7.4b complex, R-9.2 state secret): their specs (the ban of a reporter and its lifting
are in pakn.reports.oversight).

They join the table in pakn.reports.actions like every other spec (kept here so that file stays within 600
lines); their effect is `effects.flag`.
"""

from __future__ import annotations

from typing import Any

# Labels and help texts are Vietnamese msgids marked for the catalogue (see pakn.reports.action_spec).
from django.utils.translation import gettext_noop as _

from pakn.reports import effects
from pakn.reports.action_spec import ActionSpec, Group, Input, Kind, note_input
from pakn.reports.actors import FLAGGERS
from pakn.reports.models import OPEN_STATES, Event, State

Visibility = Event.Visibility
ALL_STATES = frozenset(State.values)


def _mark(action: str, flag: str, labels: tuple[str, str], states: Any, help: str) -> ActionSpec:
    key = action.removeprefix("mark_")
    return ActionSpec(
        action,
        labels[0],
        frozenset(states),
        FLAGGERS,
        None,
        Visibility.INTERNAL,
        effects.flag(flag),
        inputs=(Input("value", Kind.TOGGLE, _("Đánh dấu"), default=True), note_input()),
        help=help,
        submit=_("Lưu đánh dấu"),
        danger=action == "mark_abusive",
        group=Group.MARK,
        summary="Đánh dấu: có giá trị, sai sự thật, phức tạp, bí mật nhà nước (theo Điều 15, Điều 7, Điều 9 Quy chế)",
        api_path="marks",
        api_key=key,
        flag=flag,
        unset_label=labels[1],
    )


MARK_SPECS: tuple[ActionSpec, ...] = (
    _mark(
        "mark_valuable",
        "is_valuable",
        (_("Đánh dấu có giá trị"), _("Bỏ đánh dấu có giá trị")),
        ALL_STATES,
        _("Phản ánh có giá trị được ghi nhận trong thống kê (theo Điều 15 Quy chế)."),
    ),
    _mark(
        "mark_abusive",
        "is_abusive",
        (_("Đánh dấu sai sự thật, lợi dụng"), _("Bỏ đánh dấu sai sự thật")),
        ALL_STATES,
        _(
            "Phản ánh bị đánh dấu không hiển thị công khai; nhiều lần có thể dẫn đến hạn chế người gửi (theo Điều 15 Quy chế)."
        ),
    ),
    _mark(
        "mark_state_secret",
        "is_state_secret",
        (_("Đánh dấu bí mật nhà nước"), _("Bỏ đánh dấu bí mật nhà nước")),
        ALL_STATES,
        _("Phản ánh chứa bí mật nhà nước không được công khai (theo Điều 9 Quy chế)."),
    ),
    _mark(
        "mark_complex",
        "is_complex",
        (_("Đánh dấu vụ việc phức tạp"), _("Bỏ đánh dấu vụ việc phức tạp")),
        OPEN_STATES,
        _("Vụ việc phức tạp ở cấp huyện có thêm thời gian để chuyển cấp trên (theo Điều 7 Quy chế)."),
    ),
)
