"""Vietnamese names in the admin for the third-party apps whose own strings are English only.

django-axes marks its strings for translation (the Vietnamese catalogue in pakn/locale/vi covers them);
django-otp does not, so its TOTP device admin is re-registered here with Vietnamese names. Only display
names change: verbose names set on `_meta` and on fields are not part of migrations.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_NAMES = {
    "axes": _("Đăng nhập sai và khóa tạm thời"),
    "otp_totp": _("Xác thực hai bước"),
}

TOTP_FIELDS = {
    "user": (_("tài khoản"), _("Tài khoản dùng thiết bị này.")),
    "name": (_("tên thiết bị"), _("Tên để nhận ra thiết bị, ví dụ: điện thoại của cán bộ.")),
    "confirmed": (_("đã xác nhận"), _("Thiết bị đã được xác nhận bằng một mã đúng và dùng được.")),
    "created_at": (_("tạo lúc"), None),
    "last_used_at": (_("dùng lần cuối"), None),
    "key": (_("khóa bí mật"), _("Khóa bí mật dạng hex, tối đa 40 byte.")),
    "step": (_("bước thời gian (giây)"), None),
    "t0": (_("thời điểm gốc (Unix)"), None),
    "digits": (_("số chữ số của mã"), None),
    "tolerance": (_("số bước lệch cho phép"), None),
    "drift": (_("độ lệch đồng hồ (bước)"), None),
    "last_t": (_("bước dùng lần cuối"), None),
    "throttling_failure_timestamp": (_("lần nhập sai gần nhất"), None),
    "throttling_failure_count": (_("số lần nhập sai liên tiếp"), None),
}

FIELDSET_NAMES = {
    "Identity": _("Thiết bị"),
    "Timestamps": _("Thời điểm"),
    "Configuration": _("Cấu hình"),
    "State": _("Trạng thái"),
    "Throttling": _("Chống dò mã"),
}


def _name_things() -> None:
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    TOTPDevice._meta.verbose_name = _("thiết bị xác thực hai bước")
    TOTPDevice._meta.verbose_name_plural = _("thiết bị xác thực hai bước")
    for field in TOTPDevice._meta.get_fields():
        if field.name in TOTP_FIELDS:
            field.verbose_name = TOTP_FIELDS[field.name][0]  # type: ignore[union-attr]


class VietnameseTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's admin with Vietnamese section names and help texts."""

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        return [(FIELDSET_NAMES.get(name, name), opts) for name, opts in super().get_fieldsets(request, obj)]

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        for name, (_label, help_text) in TOTP_FIELDS.items():
            if name in form.base_fields:
                form.base_fields[name].help_text = help_text or ""
        return form

    @admin.display(description=_("Mã QR"))
    def qrcode_link(self, device: Any) -> Any:
        return super().qrcode_link(device)


_name_things()
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, VietnameseTOTPDeviceAdmin)
