"""Django admin for Open311 client applications: each gets its own api_key, shown once when it is made."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from pakn.open311.models import ApiClient
from pakn.open311.services import client_rotate_key, key_hash, new_key

KEY_NOTICE = (
    "api_key của «{name}»: {key} — hãy gửi cho ứng dụng ngay; hệ thống chỉ lưu bản băm và không hiển thị lại."
)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "contact_email",
        "key_prefix",
        "is_active",
        "created_at",
        "last_used_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "organisation", "contact_email", "key_prefix"]
    fields = [
        "name",
        "organisation",
        "contact_email",
        "is_active",
        "note",
        "key_prefix",
        "created_at",
        "last_used_at",
    ]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
    actions = ["rotate_keys"]

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if not change:
            raw = new_key()
            obj.key_prefix, obj.key_hash = raw[:10], key_hash(raw)
            super().save_model(request, obj, form, change)
            self.message_user(request, KEY_NOTICE.format(name=obj.name, key=raw), messages.WARNING)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Cấp khóa api_key mới (khóa cũ hết hiệu lực ngay)")
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            raw = client_rotate_key(client=client)
            self.message_user(request, KEY_NOTICE.format(name=client.name, key=raw), messages.WARNING)
