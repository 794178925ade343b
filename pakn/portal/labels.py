"""Public wording of the portal: labels of the timeline, states, steps and ratings, and the core's messages.

The core's labels and messages are Vietnamese msgids; listing them here puts them in the catalogue, so the
English portal translates `State(...).label` and the core's validation messages too.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop, pgettext_lazy

from pakn.reports.actions import SPECS_IN_ORDER
from pakn.reports.models import Attachment, Rating, State, Step

# What each timeline entry says happened (the action specs' labels, translatable; their own context,
# since «Gửi phản ánh» is also the button).
# An action without its own label reads as a plain update: a raw action code is never shown.
OTHER_ACTION = pgettext_lazy("timeline", "Cập nhật xử lý")
# Actions taken by the reporter: named as the reporter's, never as the agency's.
REPORTER_ACTIONS = frozenset({"submit", *(spec.action for spec in SPECS_IN_ORDER if spec.for_reporter)})
ACTION_LABELS: dict[str, Any] = {
    "submit": pgettext_lazy("timeline", "Gửi phản ánh"),
    "forward": pgettext_lazy("timeline", "Chuyển xử lý"),
    "request_info": pgettext_lazy("timeline", "Đề nghị bổ sung thông tin"),
    "supplement": pgettext_lazy("timeline", "Bổ sung thông tin"),
    "cancel_expired": pgettext_lazy("timeline", "Hủy do quá hạn bổ sung"),
    "reject": pgettext_lazy("timeline", "Từ chối tiếp nhận"),
    "assign": pgettext_lazy("timeline", "Phân công xử lý"),
    "escalate": pgettext_lazy("timeline", "Chuyển cấp trên"),
    "approve": pgettext_lazy("timeline", "Duyệt kết quả"),
    "request_opinions": pgettext_lazy("timeline", "Xin ý kiến sở, ngành"),
    "give_opinion": pgettext_lazy("timeline", "Cho ý kiến"),
    "request_leadership_opinion": pgettext_lazy("timeline", "Xin ý kiến lãnh đạo UBND tỉnh"),
    "give_leadership_opinion": pgettext_lazy("timeline", "Lãnh đạo UBND tỉnh cho ý kiến"),
    "update_progress": pgettext_lazy("timeline", "Cập nhật tiến độ xử lý"),
    "publish_result": pgettext_lazy("timeline", "Công khai kết quả"),
    "take_over": pgettext_lazy("timeline", "Văn phòng UBND tỉnh chủ trì"),
    "reply": pgettext_lazy("timeline", "Đề nghị làm rõ"),
    "clarify": pgettext_lazy("timeline", "Trả lời làm rõ"),
    "rate": pgettext_lazy("timeline", "Người phản ánh đánh giá kết quả"),
    "report_result": pgettext_lazy("timeline", "Cán bộ báo cáo kết quả xử lý"),
    "anonymise": pgettext_lazy("timeline", "Xóa dữ liệu cá nhân hết thời hạn lưu trữ"),
    "link_duplicate": pgettext_lazy("timeline", "Trùng với phản ánh đã có, đã gộp vào phản ánh đó"),
    "duplicate_linked": pgettext_lazy("timeline", "Gộp phản ánh trùng vào phản ánh này"),
    "transfer_successor": pgettext_lazy("timeline", "Chuyển cơ quan kế thừa do sắp xếp đơn vị hành chính"),
}

# The labels of states, steps and ratings are the core's (pakn.reports.models); `gettext_lazy` there makes
# them follow the language. Their msgids are listed in CORE_LABELS below so the catalogue carries them.
STATE_LABELS: dict[str, Any] = {s.value: s.label for s in State}
STEP_LABELS: dict[str, Any] = {s.value: s.label for s in Step}
RATING_LABELS: dict[str, Any] = {r.value: r.label for r in Rating}

# A colour family for each state: the badge and the map marker (never colour alone: the label is shown).
STATE_TONES: dict[str, str] = {
    State.RECEIVED: "new",
    State.AWAITING_INFO: "wait",
    State.ROUTED: "work",
    State.IN_PROGRESS: "work",
    State.AWAITING_APPROVAL: "work",
    State.COORDINATING: "work",
    State.RESOLVED: "done",
    State.REJECTED: "closed",
    State.CANCELLED: "closed",
}

# Labels of the core shown on portal pages, listed so they are extracted and translated.
CORE_LABELS = [
    gettext_noop("Chờ tiếp nhận"),
    gettext_noop("Chờ bổ sung thông tin"),
    gettext_noop("Chờ phân công"),
    gettext_noop("Đang xử lý"),
    gettext_noop("Chờ duyệt kết quả"),
    gettext_noop("Đang phối hợp xử lý"),
    gettext_noop("Đã xử lý"),
    gettext_noop("Từ chối tiếp nhận"),
    gettext_noop("Đã hủy"),
    gettext_noop("Kiểm tra, chuyển xử lý (IOC)"),
    gettext_noop("Bổ sung thông tin"),
    gettext_noop("Phân công xử lý"),
    gettext_noop("Xác minh, báo cáo kết quả"),
    gettext_noop("Duyệt kết quả"),
    gettext_noop("Chuyển cấp trên"),
    gettext_noop("Phối hợp xử lý cấp tỉnh"),
    gettext_noop("Ý kiến sở, ngành"),
    gettext_noop("Trả lời làm rõ"),
    gettext_noop("Hài lòng"),
    gettext_noop("Chấp nhận được"),
    gettext_noop("Không hài lòng"),
    gettext_noop("Ảnh"),
    gettext_noop("Video"),
    gettext_noop("Ghi âm"),
]
assert len(CORE_LABELS) == len(State) + len(Step) + len(Rating) + len(Attachment.Kind)

# Messages of the core (pakn.reports) that a citizen may see; listed so they are extracted and translated.
CORE_MESSAGES = [
    gettext_noop("Vui lòng nhập nội dung phản ánh."),
    gettext_noop("Vui lòng chọn lĩnh vực."),
    gettext_noop("Vui lòng nhập họ và tên."),
    gettext_noop("Vui lòng nhập địa chỉ liên hệ."),
    gettext_noop("Vui lòng cho biết nơi xảy ra sự việc."),
    gettext_noop("Vui lòng cam kết thông tin phản ánh là trung thực (theo Điều 5 Quy chế)."),
    gettext_noop("Vui lòng nhập số điện thoại."),
    gettext_noop("Vui lòng nhập số định danh cá nhân (12 chữ số)."),
    gettext_noop("Vui lòng nhập đủ vĩ độ và kinh độ."),
    gettext_noop("Tọa độ không hợp lệ."),
    gettext_noop("Vui lòng chọn xã, phường nơi xảy ra sự việc."),
    gettext_noop("Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678."),
    gettext_noop("Số định danh cá nhân chỉ gồm chữ số."),
    gettext_noop("Số định danh cá nhân gồm 12 chữ số."),
    gettext_noop("Số CCCD không hợp lệ: ba chữ số đầu phải là mã tỉnh, thành phố nơi đăng ký khai sinh."),
    gettext_noop(
        "Số điện thoại hoặc số định danh này đã bị hạn chế gửi phản ánh do nhiều lần phản ánh sai sự thật "
        "(theo Điều 15 Quy chế). Vui lòng liên hệ Trung tâm IOC nếu cần trao đổi."
    ),
    gettext_noop("Đã quá thời hạn 01 giờ để bổ sung thông tin; phản ánh sẽ bị hủy."),
    gettext_noop("Vui lòng nhập thông tin bổ sung."),
    gettext_noop("Vui lòng nhập nội dung cần làm rõ."),
    gettext_noop("Vui lòng chọn: hài lòng, chấp nhận được hoặc không hài lòng."),
    gettext_noop("Phản ánh này đã được đánh giá."),
    gettext_noop("Phản ánh vừa được người khác cập nhật. Vui lòng tải lại trang và thử lại."),
]


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
