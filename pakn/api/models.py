"""Staff tokens per device of the REST API."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.core.fields import optional_link


class RevokeReason(models.TextChoices):
    OWNER = "owner", _("chủ tài khoản thu hồi")
    ADMIN = "admin", _("quản trị thu hồi")
    PASSWORD = "password", _("mật khẩu đã đổi")
    SECOND_FACTOR = "second_factor", _("xác thực hai lớp đã đặt lại")
    POLICY = "policy", _("chưa có xác thực hai lớp theo quy định")


class ApiToken(models.Model):
    """A bearer token of one official on one device (R-3.1): only its SHA-256 is stored.

    Issued at login (with the second factor when the account has one), listed and revoked by its owner
    through the API and by the administrator in the Django admin.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    device_name = models.CharField(_("thiết bị"), max_length=100)
    prefix = models.CharField(_("đầu mã"), max_length=12, help_text=_("Vài ký tự đầu để nhận ra mã"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("địa chỉ dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("lý do thu hồi"), max_length=20, choices=RevokeReason.choices, blank=True, default=""
    )
    # What the token was issued with: a keyed hash of the password hash at that moment (a changed or
    # reset password no longer matches), and the authenticator whose code was given, if any (gone when the
    # second factor is reset or replaced). A token is refused when either no longer holds or when policy now
    # requires a factor it was issued without.
    credential_stamp = models.CharField(max_length=64, default="", editable=False)
    otp_device = optional_link(TOTPDevice, on_delete=models.SET_NULL, editable=False)
    with_second_factor = models.BooleanField(_("cấp kèm xác thực hai lớp"), default=False)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_revoked")]

    def __str__(self) -> str:
        return f"{self.user} — {self.device_name} ({self.prefix}…)"

    def is_active(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]
