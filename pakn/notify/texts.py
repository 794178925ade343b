"""The default Vietnamese texts of every kind of message on every channel (Django template syntax).

Seeded into MessageTemplate by a migration; an administrator edits them in the Django admin. What each text
may use is listed in VARIABLES (shown in the admin) and in docs/notifications.md.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pakn.notify.models import Channel, Kind

# Variables every text may use, then those of some kinds.
VARIABLES: dict[str, str] = {
    "site_name": "tên ngắn của hệ thống (PAKN_SITE_SHORT_NAME, ví dụ PAKN + tên tỉnh)",
    "province": "tên tỉnh, kèm chữ “tỉnh” hoặc “thành phố”",
    "site_url": "địa chỉ trang chủ",
    "code": "mã tra cứu của phản ánh",
    "title": "tiêu đề hoặc trích nội dung (để trống với phản ánh mật)",
    "category": "lĩnh vực",
    "agency": "cơ quan đang xử lý",
    "at": "thời điểm xảy ra (giờ Việt Nam)",
    "url": "đường dẫn: trang cán bộ của phản ánh, hoặc đường dẫn theo dõi riêng của người phản ánh",
    "link": "đường dẫn theo dõi riêng của người phản ánh (nếu có)",
    "recipient": "tên người nhận",
    "recipient_agency": "cơ quan của cán bộ nhận",
    "due_at": "hạn của bước (giờ Việt Nam)",
    "time_left": "thời gian còn lại đến hạn",
    "step": "tên bước",
    "note": "ghi chú, ý kiến kèm theo",
    "reason": "lý do từ chối, hủy",
    "result": "kết quả xử lý",
    "from_agency": "cơ quan chuyển, cơ quan đôn đốc",
    "officer": "cán bộ liên quan",
    "department": "sở, ngành",
    "minutes": "mã đăng nhập: số phút còn dùng được (mã nằm trong biến code)",
    "original_code, public_url": "phản ánh trùng: mã và trang công khai của phản ánh gốc",
    "update, unsubscribe, otp, minutes": "người theo dõi: nội dung cập nhật, đường dẫn ngừng theo dõi, mã xác "
    "nhận và thời hạn của mã",
    "date, count, items, more": "bản tổng hợp: ngày, số phản ánh quá hạn, danh sách (code, agency, step, "
    "due_at, late), số phản ánh không liệt kê",
}

SIGNATURE = "\n\nTrân trọng,\n{{ site_name }}\n{{ site_url }}"


class ReporterText(NamedTuple):
    sms: str
    subject: str
    email: str
    push: str


class StaffText(NamedTuple):
    subject: str
    body: str
    sms: str


REPORTER: dict[str, ReporterText] = {
    Kind.RECEIVED: ReporterText(
        sms="{{ site_name }}: Đã nhận phản ánh của bạn, mã {{ code }}."
        "{% if link %} Theo dõi: {{ link }}{% endif %}",
        subject="Đã nhận phản ánh, kiến nghị {{ code }}",
        email="Kính gửi {{ recipient|default:'Ông/Bà' }},\n\n"
        "Hệ thống đã nhận phản ánh, kiến nghị của Ông/Bà lúc {{ at }}. Mã tra cứu: {{ code }}.\n"
        "{% if link %}\nĐường dẫn riêng để theo dõi, bổ sung thông tin và đánh giá kết quả "
        "(xin không chia sẻ đường dẫn này):\n{{ link }}\n{% endif %}\n"
        "Trung tâm IOC sẽ kiểm tra và chuyển phản ánh đến cơ quan có thẩm quyền xử lý." + SIGNATURE,
        push="Trung tâm IOC sẽ kiểm tra và chuyển phản ánh đến cơ quan có thẩm quyền xử lý.",
    ),
    Kind.INFO_REQUESTED: ReporterText(
        sms="{{ site_name }}: Phản ánh {{ code }} cần bổ sung: {{ note|truncatechars:90 }} "
        "Vui lòng bổ sung trong {{ time_left }} (trước {{ due_at }}){% if link %} tại {{ link }}{% endif %}, "
        "quá hạn phản ánh sẽ bị hủy.",
        subject="Đề nghị bổ sung thông tin cho phản ánh {{ code }}",
        email="Kính gửi {{ recipient|default:'Ông/Bà' }},\n\n"
        "Để xử lý phản ánh {{ code }}, Trung tâm IOC đề nghị Ông/Bà bổ sung thông tin sau:\n\n{{ note }}\n\n"
        "Thời hạn bổ sung: {{ time_left }}, trước {{ due_at }}. Quá thời hạn này, phản ánh sẽ bị hủy."
        "{% if link %}\n\nBổ sung thông tin tại: {{ link }}{% endif %}" + SIGNATURE,
        push="Vui lòng bổ sung trong {{ time_left }} (trước {{ due_at }}): {{ note|truncatechars:120 }}",
    ),
    Kind.CANCELLED: ReporterText(
        sms="{{ site_name }}: Phản ánh {{ code }} đã bị hủy do không nhận được thông tin bổ sung trong "
        "thời hạn. Bạn có thể gửi phản ánh mới.",
        subject="Phản ánh {{ code }} đã bị hủy",
        email="Kính gửi {{ recipient|default:'Ông/Bà' }},\n\n"
        "Phản ánh {{ code }} đã bị hủy. Lý do: {{ reason }}\n\n"
        "Ông/Bà có thể gửi phản ánh mới với đầy đủ thông tin." + SIGNATURE,
        push="Không nhận được thông tin bổ sung trong thời hạn; Ông/Bà có thể gửi phản ánh mới.",
    ),
    Kind.REJECTED: ReporterText(
        sms="{{ site_name }}: Phản ánh {{ code }} không được tiếp nhận. Lý do: {{ reason|truncatechars:120 }}",
        subject="Phản ánh {{ code }} không được tiếp nhận",
        email="Kính gửi {{ recipient|default:'Ông/Bà' }},\n\n"
        "Phản ánh {{ code }} không được tiếp nhận.\n\nLý do: {{ reason }}" + SIGNATURE,
        push="Lý do: {{ reason|truncatechars:150 }}",
    ),
    Kind.RESULT_PUBLISHED: ReporterText(
        sms="{{ site_name }}: Phản ánh {{ code }} đã có kết quả xử lý của {{ agency }}."
        "{% if link %} Xem và đánh giá: {{ link }}{% else %} Tra cứu bằng mã {{ code }} tại {{ site_url }}"
        "{% endif %}",
        subject="Kết quả xử lý phản ánh {{ code }}",
        email="Kính gửi {{ recipient|default:'Ông/Bà' }},\n\n"
        "{{ agency }} đã có kết quả xử lý phản ánh {{ code }}:\n\n{{ result }}\n\n"
        "Nếu chưa rõ, Ông/Bà có thể đề nghị làm rõ; xin Ông/Bà đánh giá mức độ hài lòng với kết quả."
        "{% if link %}\n{{ link }}{% endif %}" + SIGNATURE,
        push="{{ agency }}: {{ result|truncatechars:150 }}",
    ),
    Kind.CLARIFIED: ReporterText(
        sms="{{ site_name }}: {{ agency }} đã trả lời đề nghị làm rõ về phản ánh {{ code }}."
        "{% if link %} Xem: {{ link }}{% endif %}",
        subject="Trả lời làm rõ kết quả phản ánh {{ code }}",
        email="Kính gửi {{ recipient|default:'Ông/Bà' }},\n\n"
        "{{ agency }} đã trả lời đề nghị làm rõ của Ông/Bà về phản ánh {{ code }}:\n\n{{ note }}"
        "{% if link %}\n\nXem và đánh giá kết quả: {{ link }}{% endif %}" + SIGNATURE,
        push="{{ agency }}: {{ note|truncatechars:150 }}",
    ),
    Kind.DUPLICATE_LINKED: ReporterText(
        sms="{{ site_name }}: Phản ánh {{ code }} trùng với phản ánh {{ original_code }} đã được tiếp nhận; "
        "bạn sẽ nhận tin cập nhật của phản ánh đó. Xem: {{ public_url }}",
        subject="Phản ánh {{ code }} được gộp vào phản ánh {{ original_code }}",
        email="Kính gửi {{ recipient|default:'Ông/Bà' }},\n\n"
        "Phản ánh {{ code }} của Ông/Bà trùng với phản ánh {{ original_code }} đã được tiếp nhận và đang được "
        "xử lý, nên được gộp vào phản ánh đó. Ông/Bà sẽ nhận tin khi phản ánh {{ original_code }} có cập nhật."
        "\n\nXem phản ánh {{ original_code }}: {{ public_url }}" + SIGNATURE,
        push="Phản ánh {{ code }} được gộp vào phản ánh {{ original_code }}; bạn sẽ nhận tin cập nhật.",
    ),
}


class FollowerText(NamedTuple):
    sms: str
    subject: str
    push: str


# To followers of a public report (issue 14, item 9): SMS and web push, with a link to stop.
FOLLOWER: dict[str, FollowerText] = {
    Kind.FOLLOW_CODE: FollowerText(
        sms="{{ site_name }}: Mã xác nhận theo dõi phản ánh {{ code }} là {{ otp }} (hiệu lực {{ minutes }} "
        "phút). Không chia sẻ mã này.",
        subject="",
        push="",
    ),
    Kind.FOLLOWED_UPDATE: FollowerText(
        sms="{{ site_name }}: Phản ánh {{ code }} bạn theo dõi: {{ update }}. Xem: {{ url }} "
        "Ngừng theo dõi: {{ unsubscribe }}",
        subject="Phản ánh {{ code }}: {{ update }}",
        push="{{ update }} ({{ agency }}).",
    ),
}

STAFF: dict[str, StaffText] = {
    Kind.NEW_REPORT: StaffText(
        subject="Phản ánh mới {{ code }} chờ tiếp nhận",
        body="{{ title }}{% if category %} ({{ category }}){% endif %}. "
        "Cần kiểm tra, chuyển xử lý trước {{ due_at }}.",
        sms="{{ site_name }}: Phản ánh mới {{ code }}, cần chuyển xử lý trước {{ due_at }}. {{ url }}",
    ),
    Kind.SUPPLEMENTED: StaffText(
        subject="Phản ánh {{ code }} đã được bổ sung thông tin",
        body="Người phản ánh đã bổ sung thông tin. Cần kiểm tra, chuyển xử lý trước {{ due_at }}.",
        sms="{{ site_name }}: Phản ánh {{ code }} đã được bổ sung, cần xử lý trước {{ due_at }}. {{ url }}",
    ),
    Kind.ROUTED: StaffText(
        subject="Phản ánh {{ code }} được chuyển đến {{ agency }}",
        body="{{ title }}. Cần phân công cán bộ xử lý trước {{ due_at }}."
        "{% if note %} Ghi chú: {{ note }}{% endif %}",
        sms="{{ site_name }}: Phản ánh {{ code }} chuyển đến {{ agency }}, cần phân công trước {{ due_at }}. "
        "{{ url }}",
    ),
    Kind.ESCALATED: StaffText(
        subject="{{ from_agency }} chuyển phản ánh {{ code }} lên {{ agency }}",
        body="{{ title }}. Lý do: {{ note }} Cần xử lý trước {{ due_at }}.",
        sms="{{ site_name }}: {{ from_agency }} chuyển phản ánh {{ code }} lên {{ agency }}, hạn {{ due_at }}. "
        "{{ url }}",
    ),
    Kind.TAKEN_OVER: StaffText(
        subject="Văn phòng UBND tỉnh chủ trì xử lý phản ánh {{ code }}",
        body="Phản ánh không còn do {{ from_agency }} xử lý. Lý do: {{ note }}",
        sms="{{ site_name }}: Văn phòng UBND tỉnh chủ trì xử lý phản ánh {{ code }}. {{ url }}",
    ),
    Kind.ASSIGNED: StaffText(
        subject="Anh/chị được phân công xử lý phản ánh {{ code }}",
        body="{{ title }}. Báo cáo kết quả trước {{ due_at }}.{% if note %} Ghi chú: {{ note }}{% endif %}",
        sms="{{ site_name }}: Anh/chị được phân công phản ánh {{ code }}, báo cáo trước {{ due_at }}. {{ url }}",
    ),
    Kind.RESULT_SUBMITTED: StaffText(
        subject="Kết quả xử lý phản ánh {{ code }} chờ duyệt",
        body="{{ officer }} đã báo cáo kết quả. Cần duyệt trước {{ due_at }}.",
        sms="{{ site_name }}: Kết quả phản ánh {{ code }} chờ duyệt trước {{ due_at }}. {{ url }}",
    ),
    Kind.RESULT_RETURNED: StaffText(
        subject="Kết quả xử lý phản ánh {{ code }} bị trả lại",
        body="Ý kiến của lãnh đạo: {{ note }} Cần báo cáo lại trước {{ due_at }}.",
        sms="{{ site_name }}: Kết quả phản ánh {{ code }} bị trả lại, báo cáo lại trước {{ due_at }}. {{ url }}",
    ),
    Kind.OPINION_REQUESTED: StaffText(
        subject="{{ agency }} xin ý kiến về phản ánh {{ code }}",
        body="{{ title }}. Đề nghị {{ recipient_agency }} cho ý kiến trước {{ due_at }}.",
        sms="{{ site_name }}: Xin ý kiến {{ recipient_agency }} về phản ánh {{ code }} trước {{ due_at }}. "
        "{{ url }}",
    ),
    Kind.OPINION_GIVEN: StaffText(
        subject="{{ department }} đã cho ý kiến về phản ánh {{ code }}",
        body="{{ note|truncatechars:300 }}",
        sms="{{ site_name }}: {{ department }} đã cho ý kiến về phản ánh {{ code }}. {{ url }}",
    ),
    Kind.CLARIFICATION_REQUESTED: StaffText(
        subject="Người phản ánh đề nghị làm rõ kết quả phản ánh {{ code }}",
        body="Cần trả lời làm rõ trước {{ due_at }}.",
        sms="{{ site_name }}: Đề nghị làm rõ kết quả phản ánh {{ code }}, trả lời trước {{ due_at }}. {{ url }}",
    ),
    Kind.DUE_SOON: StaffText(
        subject="Phản ánh {{ code }} sắp đến hạn",
        body="Bước «{{ step }}» tại {{ agency }} đến hạn lúc {{ due_at }} (còn {{ time_left }}).",
        sms="{{ site_name }}: Phản ánh {{ code }} sắp đến hạn ({{ step }}, {{ due_at }}). {{ url }}",
    ),
    Kind.OVERDUE: StaffText(
        subject="Phản ánh {{ code }} đã quá hạn",
        body="Bước «{{ step }}» tại {{ agency }} đã quá hạn từ {{ due_at }}."
        "{% if officer %} Cán bộ xử lý: {{ officer }}.{% endif %}",
        sms="{{ site_name }}: Phản ánh {{ code }} quá hạn ({{ step }}, hạn {{ due_at }}). {{ url }}",
    ),
    Kind.URGED: StaffText(
        subject="{{ from_agency }} đôn đốc xử lý phản ánh {{ code }}",
        body="Phản ánh đã quá hạn: bước «{{ step }}» tại {{ agency }}, hạn {{ due_at }}. "
        "Đề nghị khẩn trương xử lý, phản hồi.{% if note %} Nội dung đôn đốc: {{ note }}{% endif %}",
        sms="{{ site_name }}: {{ from_agency }} đôn đốc xử lý phản ánh {{ code }} quá hạn ({{ step }}, "
        "hạn {{ due_at }}). {{ url }}",
    ),
    Kind.DAILY_DIGEST: StaffText(
        subject="Tổng hợp phản ánh quá hạn ngày {{ date }}",
        body="{% if count %}Có {{ count }} phản ánh đang quá hạn:{% for i in items %}\n- {{ i.code }} · "
        "{{ i.agency }} · {{ i.step }} · hạn {{ i.due_at }} (quá {{ i.late }}){% endfor %}"
        "{% if more %}\n… và {{ more }} phản ánh khác.{% endif %}{% else %}Không có phản ánh nào quá hạn."
        "{% endif %}",
        sms="{{ site_name }}: Ngày {{ date }} có {{ count }} phản ánh quá hạn. {{ url }}",
    ),
}


# Texts to a phone number, SMS only. The code is private: in the outbox's encrypted part, never in a log.
CITIZEN_SMS: dict[str, str] = {
    Kind.SIGN_IN_CODE: "{{ site_name }}: Mã đăng nhập {{ code }}, dùng trong {{ minutes }} phút."
    " Không đưa mã cho ai, kể cả cán bộ.",
}


def default_templates() -> list[dict[str, Any]]:
    """Every (kind, channel) text as MessageTemplate field values."""
    rows: list[dict[str, Any]] = [
        {"kind": kind, "channel": Channel.SMS, "subject": "", "body": body}
        for kind, body in CITIZEN_SMS.items()
    ]
    for kind, r in REPORTER.items():
        rows += [
            {"kind": kind, "channel": Channel.SMS, "subject": "", "body": r.sms},
            {"kind": kind, "channel": Channel.EMAIL, "subject": r.subject, "body": r.email},
            {"kind": kind, "channel": Channel.PUSH, "subject": r.subject, "body": r.push},
        ]
    for kind, f in FOLLOWER.items():
        rows.append({"kind": kind, "channel": Channel.SMS, "subject": "", "body": f.sms})
        if f.push:
            rows.append({"kind": kind, "channel": Channel.PUSH, "subject": f.subject, "body": f.push})
    for kind, s in STAFF.items():
        email = f"{s.body}\n\nXem chi tiết: {{{{ url }}}}" + SIGNATURE
        rows += [
            {"kind": kind, "channel": Channel.CONSOLE, "subject": s.subject, "body": s.body},
            {"kind": kind, "channel": Channel.PUSH, "subject": s.subject, "body": s.body},
            {"kind": kind, "channel": Channel.EMAIL, "subject": s.subject, "body": email},
            {"kind": kind, "channel": Channel.SMS, "subject": "", "body": s.sms},
        ]
    return rows


def seed_templates(model: Any) -> int:
    """Create the missing templates; never change one an administrator edited."""
    created = 0
    for row in default_templates():
        _, was_created = model.objects.get_or_create(
            kind=row["kind"],
            channel=row["channel"],
            defaults={"subject": row["subject"], "body": row["body"]},
        )
        created += was_created
    return created
