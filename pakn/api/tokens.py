"""Staff tokens per device: issued at login with the second factor, stored hashed, revoked by owner or admin.

Login failures (a wrong password or a wrong TOTP code) count towards django-axes' lock-out, exactly like the
console's login form (R-3.1).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.api.models import ApiToken, RevokeReason
from pakn.core.logins import login_refused_for_address
from pakn.core.ratelimit import client_ip
from pakn.org.models import User

TOKEN_PREFIX = "pakn_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "PAKN_API_TOKEN_DAYS", 90))


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class LoginFailed(Exception):
    """Wrong username or password, an inactive account, or a wrong second factor; `code` says which."""

    def __init__(self, code: str, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    raw: str  # shown once to the device; only its hash is stored


def _confirmed_totp(user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True))


def _fail(request: HttpRequest, username: str) -> None:
    """Count a failed second factor as a failed login (django-axes listens to this signal)."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def _authenticated(request: HttpRequest, username: str, password: str) -> User:
    """The active account these credentials name, or LoginFailed (locked address, locked account, wrong)."""
    wait = login_refused_for_address(request)
    if wait:
        raise LoginFailed(
            "login_locked",
            "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau "
            f"{-(-wait // 60)} phút.",
            retry_after=wait,
        )
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        # Answer here in the API's own format; the axes middleware would otherwise replace the response.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        minutes = max(1, round(float(getattr(settings, "AXES_COOLOFF_TIME", 0.25) or 0.25) * 60))
        raise LoginFailed(
            "login_locked",
            f"Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau {minutes} phút.",
            retry_after=minutes * 60,
        )
    if not isinstance(user, User) or not user.is_active:
        raise LoginFailed("invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.")
    return user


def _second_factor(
    request: HttpRequest, username: str, user: User, otp_code: str, now: datetime
) -> TOTPDevice | None:
    """The TOTP device that accepted `otp_code` (None for an account without one), or LoginFailed."""
    devices = _confirmed_totp(user)
    if not devices:
        if getattr(settings, "PAKN_STAFF_2FA_REQUIRED", False):
            raise LoginFailed(
                "otp_enrolment_required",
                "Cán bộ phải bật xác thực hai bước: hãy đăng ký trong trang Tài khoản của bảng điều khiển trước.",
            )
        return None
    code = (otp_code or "").strip().replace(" ", "")
    if not code:
        raise LoginFailed(
            "otp_required", "Tài khoản có xác thực hai bước: vui lòng nhập mã từ ứng dụng xác thực."
        )
    usable = [d for d in devices if d.verify_is_allowed()[0]]
    if not usable:
        # django_otp throttles a device after a wrong code: 1, 2, 4… seconds before the next try.
        until = min(d.verify_is_allowed()[1].get("locked_until", now) for d in devices)
        wait = max(1, int((until - timezone.now()).total_seconds()) + 1)
        raise LoginFailed(
            "otp_throttled",
            f"Nhập sai mã xác thực: vui lòng đợi {wait} giây rồi thử lại.",
            retry_after=wait,
        )
    factor = next((device for device in usable if device.verify_token(code)), None)
    if factor is None:
        _fail(request, username)
        raise LoginFailed("otp_invalid", "Mã xác thực hai bước không đúng hoặc đã hết hạn.")
    return factor


def token_issue(
    *,
    request: HttpRequest,
    username: str,
    password: str,
    device_name: str,
    otp_code: str = "",
    now: datetime | None = None,
) -> Issued:
    """Log an official in from a device and issue that device's token (R-3.1)."""
    now = now or timezone.now()
    user = _authenticated(request, username, password)
    factor = _second_factor(request, username, user, otp_code, now)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        device_name=device_name.strip()[:100],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(raw),
        created_at=now,
        expires_at=now + token_lifetime(),
        last_used_at=now,
        last_used_ip=client_ip(request) or None,
        credential_stamp=credential_stamp(user),
        otp_device=factor,
        with_second_factor=factor is not None,
    )
    # Like a console login: last_login is updated and axes forgets earlier failures.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return Issued(token, raw)


def credential_stamp(user: User) -> str:
    """A keyed hash of the account's password hash: any change of password (by the official, a reset by
    e-mail, the administrator, `pakn changepassword`) changes it, like Django's session hash."""
    return salted_hmac("pakn.api.token-credentials", user.password, algorithm="sha256").hexdigest()


def token_refusal(token: ApiToken) -> str:
    """Why a stored, unexpired token no longer authenticates its user ("" when it still does) (R-3.1)."""
    user = token.user
    if not constant_time_compare(token.credential_stamp, credential_stamp(user)):
        return RevokeReason.PASSWORD
    if token.with_second_factor:
        device = token.otp_device
        if device is None or not device.confirmed or device.user_id != user.pk:
            return RevokeReason.SECOND_FACTOR
        return ""
    if getattr(settings, "PAKN_STAFF_2FA_REQUIRED", False):
        return RevokeReason.POLICY
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return RevokeReason.POLICY  # the account now has a factor: a token issued without one falls short
    return ""


def token_for(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The active token with this value, with its active user, or None.

    A token whose credentials no longer hold (see token_refusal) is revoked now, with the reason.
    """
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__agency", "otp_device")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    reason = token_refusal(token)
    if reason:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason
        )
        return None
    return token


def tokens_revoke_all(*, user: User, reason: str, now: datetime | None = None) -> int:
    """Revoke every active token of an account (its credentials were reset); returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoked_reason=reason
    )


def token_touch(token: ApiToken, *, ip: str, now: datetime | None = None) -> None:
    """Remember when and from where a token was last used (at most one write a minute)."""
    now = now or timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_RESOLUTION and token.last_used_ip == ip:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip or None)
    token.last_used_at = now


def token_revoke(*, token: ApiToken, actor: User, now: datetime | None = None) -> None:
    """The owner revokes one of his devices' tokens, or an administrator any token."""
    if token.user_id != actor.pk and not (actor.is_superuser or actor.role == User.Role.ADMIN):
        raise PermissionDenied("Bạn chỉ thu hồi được mã truy cập của chính mình.")
    reason = RevokeReason.OWNER if token.user_id == actor.pk else RevokeReason.ADMIN
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoked_reason=reason
    )
