"""Django admin for the API: see and revoke the staff's device tokens (R-3.1). Tokens are issued at login only."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from pakn.api.models import ApiToken, RevokeReason
from pakn.core.admin_base import ViewOnlyAdmin


class ActiveFilter(admin.SimpleListFilter):
    title = "tình trạng"
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Đang dùng"), ("no", "Đã thu hồi hoặc hết hạn")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "no":
            return queryset.exclude(revoked_at__isnull=True, expires_at__gt=now)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ViewOnlyAdmin):
    """A token is issued to a device at login, never typed in here; the administrator lists and revokes."""

    list_display = [
        "user",
        "device_name",
        "prefix",
        "created_at",
        "last_used_at",
        "last_used_ip",
        "expires_at",
        "revoked_at",
        "revoked_reason",
    ]
    list_filter = [ActiveFilter, "user__agency__kind"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "device_name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "device_name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_ip",
        "with_second_factor",
        "revoked_at",
        "revoked_reason",
    ]
    actions = ["revoke"]
    date_hierarchy = "created_at"

    @admin.action(description="Thu hồi các mã truy cập đã chọn")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=RevokeReason.ADMIN
        )
        self.message_user(request, f"Đã thu hồi {count} mã truy cập.", messages.SUCCESS)
