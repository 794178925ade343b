"""Writes on staff credentials made by an administrator (R-3.1): resetting a second factor, recorded."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.org.models import AccountEvent, User
from pakn.org.signals import credentials_reset


def is_administrator(user: User | None) -> bool:
    return bool(user is not None and user.is_active and (user.is_superuser or user.role == User.Role.ADMIN))


@transaction.atomic
def user_second_factor_reset(
    *, user: User, actor: User, reason: str, now: datetime | None = None
) -> AccountEvent:
    """Remove an official's authenticators so he can enrol a new one (a lost phone), and record who did it.

    This is the only way to replace an authenticator without the current code: the official's own
    re-enrolment needs the current factor. His API device tokens are revoked (listener in pakn.api).
    """
    if not is_administrator(actor):
        raise PermissionDenied("Chỉ quản trị hệ thống mới được đặt lại xác thực hai lớp.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Vui lòng ghi lý do đặt lại xác thực hai lớp."}, code="required")
    TOTPDevice.objects.filter(user=user).delete()
    event = AccountEvent.objects.create(
        user=user,
        actor=actor,
        action=AccountEvent.Action.SECOND_FACTOR_RESET,
        reason=reason,
        at=now or timezone.now(),
    )
    credentials_reset.send(sender=AccountEvent, user=user, reason=event.action)
    return event
