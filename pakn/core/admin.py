"""Vietnamese names in the admin for the third-party apps whose own strings are English only.

django-axes marks its strings for translation (the Vietnamese catalogue in pakn/locale/vi covers them);
django-otp does not, so its model and field names are set here (the read-only TOTP device admin is
pakn.org.admin's). Only display names change: verbose names set on `_meta` and on fields are not part of
migrations.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_NAMES = {
    "axes": _("Đăng nhập sai và khóa tạm thời"),
    "otp_totp": _("Xác thực hai bước"),
}

TOTP_FIELDS = {
    "user": _("tài khoản"),
    "name": _("tên thiết bị"),
    "confirmed": _("đã xác nhận"),
    "created_at": _("tạo lúc"),
    "last_used_at": _("dùng lần cuối"),
    "key": _("khóa bí mật"),
    "step": _("bước thời gian (giây)"),
    "t0": _("thời điểm gốc (Unix)"),
    "digits": _("số chữ số của mã"),
    "tolerance": _("số bước lệch cho phép"),
    "drift": _("độ lệch đồng hồ (bước)"),
    "last_t": _("bước dùng lần cuối"),
    "throttling_failure_timestamp": _("lần nhập sai gần nhất"),
    "throttling_failure_count": _("số lần nhập sai liên tiếp"),
}


def _name_things() -> None:
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    TOTPDevice._meta.verbose_name = _("thiết bị xác thực hai bước")
    TOTPDevice._meta.verbose_name_plural = _("thiết bị xác thực hai bước")
    for field in TOTPDevice._meta.get_fields():
        if field.name in TOTP_FIELDS:
            field.verbose_name = TOTP_FIELDS[field.name]  # type: ignore[union-attr]


_name_things()
