"""Admin of pakn.notify: the outbox and its deliveries (failed ones retried from here), the message
templates (checked before they are saved), preferences and push devices. Addresses are shown masked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.html import format_html, format_html_join

from pakn.core.admin_base import ViewOnlyAdmin
from pakn.notify.models import (
    Delivery,
    MessageTemplate,
    Notification,
    OutboxMessage,
    Preference,
    PushSubscription,
)
from pakn.notify.retry import deliveries_retry
from pakn.notify.texts import VARIABLES


def mask(address: str) -> str:
    """Enough to tell addresses apart, not to read them (R-3.2)."""
    if not address:
        return "—"
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return address[:4] + "***" + address[-3:] if len(address) > 7 else "***"


@admin.action(description="Gửi lại các lượt gửi đã chọn")
def retry_deliveries(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Delivery]
) -> None:
    count = deliveries_retry(actor=request.user, deliveries=queryset)  # type: ignore[arg-type]
    if count:
        modeladmin.message_user(request, f"Đã đưa {count} lượt gửi vào hàng đợi gửi lại.", messages.SUCCESS)
    else:
        modeladmin.message_user(
            request, "Chỉ gửi lại được các lượt gửi không thành công hoặc bị bỏ qua.", messages.WARNING
        )


@admin.register(Delivery)
class DeliveryAdmin(ViewOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "code",
        "channel",
        "recipient",
        "masked_address",
        "status",
        "attempts",
        "updated_at",
    )
    list_filter = ("status", "channel", "outbox__kind", "to_reporter")
    search_fields = ("outbox__context__code", "idempotency_key", "user__username")
    date_hierarchy = "created_at"
    actions = [retry_deliveries]
    list_select_related = ("outbox", "user")
    readonly_fields = (
        "outbox",
        "channel",
        "recipient",
        "masked_address",
        "idempotency_key",
        "status",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "sent_at",
        "last_error",
        "provider_ref",
        "created_at",
        "updated_at",
    )
    exclude = ("address", "user", "to_reporter", "subscription")

    @admin.display(description="loại")
    def kind(self, obj: Delivery) -> str:
        return obj.outbox.get_kind_display()

    @admin.display(description="mã phản ánh")
    def code(self, obj: Delivery) -> str:
        return str(obj.outbox.context.get("code", ""))

    @admin.display(description="người nhận")
    def recipient(self, obj: Delivery) -> str:
        return obj.recipient_label

    @admin.display(description="địa chỉ")
    def masked_address(self, obj: Delivery) -> str:
        return mask(obj.address)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "user", "to_reporter", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ViewOnlyAdmin):
    list_display = ("id", "kind", "code", "created_at", "delivery_summary")
    list_filter = ("kind",)
    search_fields = ("context__code", "dedupe_key")
    date_hierarchy = "created_at"
    readonly_fields = (
        "uid",
        "kind",
        "report",
        "event",
        "dedupe_key",
        "step",
        "step_started_at",
        "context",
        "created_at",
    )
    exclude = ("private_context",)
    inlines = [DeliveryInline]

    @admin.display(description="mã phản ánh")
    def code(self, obj: OutboxMessage) -> str:
        return str(obj.context.get("code", ""))

    @admin.display(description="lượt gửi")
    def delivery_summary(self, obj: OutboxMessage) -> str:
        counts: dict[str, int] = {}
        for status in obj.deliveries.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        return (
            format_html_join(
                ", ", "{} {}", ((n, Delivery.Status(s).label.lower()) for s, n in sorted(counts.items()))
            )
            or "—"
        )


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("kind", "channel", "subject", "body", "is_active")
        widgets = {"body": forms.Textarea(attrs={"rows": 12, "cols": 100})}

    def clean(self) -> dict[str, Any]:
        """A text that cannot be rendered would fail every delivery: refuse it here, beside its field."""
        data = super().clean() or {}
        engine = Engine(autoescape=False)
        for name in ("subject", "body"):
            text = data.get(name) or ""
            try:
                engine.from_string(text).render(Context({}))
            except TemplateSyntaxError as e:
                self.add_error(name, f"Mẫu có lỗi cú pháp: {e}")
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ("kind", "channel", "subject", "is_active", "updated_at")
    list_filter = ("channel", "is_active", "kind")
    search_fields = ("subject", "body")
    readonly_fields = ("variables",)

    @admin.display(description="biến dùng được")
    def variables(self, obj: MessageTemplate) -> str:
        rows = format_html_join("", "<li><code>{{{{ {} }}}}</code>: {}</li>", VARIABLES.items())
        return format_html("<ul>{}</ul>", rows)


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    date_hierarchy = "created_at"


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "console", "push", "email", "sms")
    list_filter = ("kind",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ViewOnlyAdmin):
    list_display = ("id", "user", "report", "user_agent", "created_at", "last_success_at")
    search_fields = ("user__username",)
    exclude = ("endpoint", "endpoint_hash", "p256dh", "auth")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True
