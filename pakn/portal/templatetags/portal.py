"""Template helpers of the portal: the site's names, redaction of public text, state badges, JS messages."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from pakn.core import province
from pakn.portal.labels import STATE_TONES, state_label
from pakn.reports.selectors import redact_numbers

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return province.site_name()


@register.simple_tag
def site_owner() -> str:
    return province.site_owner()


@register.simple_tag
def regulation() -> str:
    """The decision that issued the province's regulation: "Quyết định 826/QĐ-UBND"."""
    return province.regulation_short()


@register.filter
def redact(text: str) -> str:
    """Public text with phone-like and ID-like numbers masked (R-3.2)."""
    return redact_numbers(text)


@register.filter
def tone(state: str) -> str:
    return STATE_TONES.get(state, "new")


@register.filter
def state_name(state: str) -> str:
    return state_label(state)


@register.filter
def excerpt(text: str, length: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@register.filter
def megabytes(size: int) -> str:
    """A file's size as people read it, with the Vietnamese decimal comma: "40 kB", "1,5 MB" (never "0,0 MB")."""
    return file_size(size)


def file_size(size: int) -> str:
    size = max(int(size or 0), 0)
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{max(round(size / 1024), 1)} kB"
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


@register.simple_tag
def js_messages() -> dict[str, Any]:
    """Words the scripts show, translated on the server (no JavaScript catalogue to download)."""
    return {
        "saved_offline": _(
            "Phản ánh đã được lưu trên điện thoại và sẽ tự động gửi khi có mạng trở lại. Bạn không cần gửi lại."
        ),
        "pending_many": _("phản ánh đang chờ gửi khi có mạng."),
        "saved_at": _("lưu lúc"),
        "no_text": _("(chưa có nội dung)"),
        "sent": _("Đã gửi phản ánh lưu trên máy. Mã tra cứu:"),
        "follow": _("Mở trang theo dõi"),
        "needs_fix": _("Phản ánh lưu trên máy chưa gửi được, cần sửa:"),
        "edit": _("Sửa và gửi lại"),
        "push_following": _("Thiết bị này sẽ nhận thông báo khi phản ánh có cập nhật."),
        "push_denied": _("Bạn chưa cho phép hiển thị thông báo."),
        "push_failed": _("Chưa bật được thông báo đẩy."),
        "push_stop": _("Ngừng theo dõi"),
        "discard": _("Xóa bản lưu"),
        "locating": _("Đang xác định vị trí…"),
        "located": _("Đã lấy vị trí của bạn. Bạn có thể chạm vào bản đồ để chỉnh lại."),
        "no_location": _("Không lấy được vị trí. Hãy chạm vào bản đồ hoặc nhập địa điểm."),
        "pin_set": _("Đã chọn vị trí trên bản đồ."),
        "map_failed": _(
            "Không tải được bản đồ. Bạn vẫn có thể nhập tọa độ, chọn xã, phường và ghi địa điểm."
        ),
        "suggested": _("Theo ranh giới hành chính, vị trí đã ghim thuộc %(name)s."),
        "suggested_other": _(
            "Theo ranh giới hành chính, vị trí đã ghim thuộc %(name)s. Vui lòng kiểm tra lại xã, phường bạn chọn."
        ),
        "photo_place": _("Đã lấy vị trí từ ảnh bạn chọn. Bạn có thể kéo, chạm để sửa lại trên bản đồ."),
        "file_too_large": _("Tệp «%(name)s» quá lớn: tối đa %(limit)s MB."),
        "file_type": _("Tệp «%(name)s» không phải ảnh, video hoặc ghi âm."),
        "too_many": _("Mỗi phản ánh đính kèm tối đa %(n)s tệp."),
        "copied": _("Đã sao chép"),
        "map_count": _("Đang hiển thị %(n)s phản ánh trên bản đồ."),
        "map_truncated": _("Chỉ hiển thị %(n)s phản ánh mới nhất; hãy lọc để xem cụ thể hơn."),
        "map_none": _("Không có phản ánh nào có vị trí phù hợp với bộ lọc."),
        "view": _("Xem chi tiết"),
        "near_count": _("Có %(n)s phản ánh công khai trong bán kính %(km)s km quanh bạn."),
        "near_none": _("Chưa có phản ánh công khai nào trong bán kính %(km)s km quanh bạn."),
        "near_denied": _(
            "Chưa có quyền dùng vị trí của bạn. Hãy cho phép trang web dùng vị trí trong cài đặt của trình duyệt "
            "rồi bấm lại «Gần tôi», hoặc xem bản đồ tất cả phản ánh."
        ),
        "near_unknown": _("Không xác định được vị trí của bạn lúc này. Vui lòng thử lại sau."),
        "near_failed": _("Không tải được các phản ánh gần bạn. Vui lòng thử lại sau."),
        "near_you": _("Vị trí của bạn"),
        "near_m": _("cách %(n)s m"),
        "near_km": _("cách %(n)s km"),
    }


@register.simple_tag
def widget(field: Any, **attrs: Any) -> str:
    """A field's widget described by its help text and its errors (screen readers read both)."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs={k.replace("_", "-"): v for k, v in attrs.items()})  # type: ignore[no-any-return]


@register.simple_tag
def map_attrs() -> str:
    """Data attributes of a map element: Leaflet's files (loaded only when the map is needed) and the tiles."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    lat, lng = settings.PAKN_MAP_CENTER[:2]
    return format_html(
        'data-leaflet-js="{}" data-leaflet-css="{}" data-cluster-js="{}" data-cluster-css="{} {}" '
        'data-tiles="{}" data-attribution="{}" data-center="{},{}" data-zoom="{}"',
        static("vendor/leaflet/leaflet.js"),
        static("vendor/leaflet/leaflet.css"),
        static("vendor/leaflet.markercluster/leaflet.markercluster.js"),
        static("vendor/leaflet.markercluster/MarkerCluster.css"),
        static("vendor/leaflet.markercluster/MarkerCluster.Default.css"),
        settings.PAKN_TILE_URL or "",
        settings.PAKN_TILE_ATTRIBUTION or "",
        lat,
        lng,
        settings.PAKN_MAP_ZOOM,
    )
