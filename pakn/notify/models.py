"""Notifications (issue 7, R-7, R-8, R-10.1): the outbox, its deliveries, the console's notifications,
the message templates, each person's channel preferences and their web-push subscriptions.

The outbox is written in the same transaction as the workflow change that causes a message (the database
is the source of truth); the worker delivers each Delivery exactly once per idempotency key.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.crypto import EncryptedTextField
from pakn.core.fields import optional_link


class Kind(models.TextChoices):
    """What a message is about. Reporter kinds go to the citizen, the others to staff."""

    # To the reporter (R-7.1, R-7.2b, R-7.2c, R-7.3a, R-7.5, R-8.2)
    RECEIVED = "received", _("Đã tiếp nhận phản ánh (người phản ánh)")
    INFO_REQUESTED = "info_requested", _("Đề nghị bổ sung thông tin (người phản ánh)")
    CANCELLED = "cancelled", _("Phản ánh bị hủy do quá hạn bổ sung (người phản ánh)")
    REJECTED = "rejected", _("Từ chối tiếp nhận (người phản ánh)")
    RESULT_PUBLISHED = "result_published", _("Có kết quả xử lý (người phản ánh)")
    CLARIFIED = "clarified", _("Cơ quan đã trả lời làm rõ (người phản ánh)")
    DUPLICATE_LINKED = "duplicate_linked", _("Phản ánh trùng được gộp vào phản ánh đã có (người phản ánh)")
    # To followers of a public report (issue 14, item 9)
    FOLLOW_CODE = "follow_code", _("Mã xác nhận theo dõi phản ánh (người theo dõi)")
    FOLLOWED_UPDATE = "followed_update", _("Phản ánh đang theo dõi có cập nhật (người theo dõi)")
    # To staff
    NEW_REPORT = "new_report", _("Phản ánh mới chờ tiếp nhận")
    SUPPLEMENTED = "supplemented", _("Người phản ánh đã bổ sung thông tin")
    ROUTED = "routed", _("Phản ánh được chuyển đến cơ quan")
    ESCALATED = "escalated", _("Phản ánh được chuyển lên cơ quan")
    TAKEN_OVER = "taken_over", _("Văn phòng UBND tỉnh chủ trì xử lý")
    ASSIGNED = "assigned", _("Được phân công xử lý")
    RESULT_SUBMITTED = "result_submitted", _("Kết quả chờ duyệt")
    RESULT_RETURNED = "result_returned", _("Kết quả bị trả lại")
    OPINION_REQUESTED = "opinion_requested", _("Xin ý kiến sở, ngành")
    OPINION_GIVEN = "opinion_given", _("Sở, ngành đã cho ý kiến")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Người phản ánh đề nghị làm rõ")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    URGED = "urged", _("Được đôn đốc xử lý")
    DAILY_DIGEST = "daily_digest", _("Tổng hợp quá hạn hằng ngày")
    # To a citizen signing in to "Phản ánh của tôi" (issue 14, item 8): SMS only, about no report.
    SIGN_IN_CODE = "sign_in_code", _("Mã đăng nhập Phản ánh của tôi (người dân)")


REPORTER_KINDS = frozenset(
    {
        Kind.RECEIVED,
        Kind.INFO_REQUESTED,
        Kind.CANCELLED,
        Kind.REJECTED,
        Kind.RESULT_PUBLISHED,
        Kind.CLARIFIED,
        Kind.DUPLICATE_LINKED,
    }
)
# Messages to a phone number rather than about a report: the sign-in code (its text has only {{ code }}).
CITIZEN_KINDS = frozenset({Kind.SIGN_IN_CODE})
FOLLOWER_KINDS = frozenset({Kind.FOLLOW_CODE, Kind.FOLLOWED_UPDATE})
STAFF_KINDS = tuple(
    k for k in Kind if k not in REPORTER_KINDS and k not in CITIZEN_KINDS and k not in FOLLOWER_KINDS
)
# What a deadline of the regulation hangs on: a member of staff cannot switch these off entirely; the
# console notification always stays on (docs/notifications.md).
REQUIRED_KINDS = frozenset(
    {
        Kind.NEW_REPORT,
        Kind.ROUTED,
        Kind.ESCALATED,
        Kind.ASSIGNED,
        Kind.OPINION_REQUESTED,
        Kind.OVERDUE,
        Kind.URGED,
    }
)


class Channel(models.TextChoices):
    CONSOLE = "console", _("Trên hệ thống")
    PUSH = "push", _("Thông báo đẩy")
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class OutboxMessage(models.Model):
    """One message to send because something happened (an event, a deadline, a day's digest).

    `context` holds what the texts need and no personal data; `private_context` (encrypted at rest) holds
    the reporter's follow-up link. `dedupe_key` makes creating it idempotent.
    """

    # Globally unique (ids repeat after a database is recreated; a gateway remembers keys for days).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    report = optional_link("reports.Report", _("phản ánh"), on_delete=models.CASCADE)
    event = optional_link("reports.Event", _("sự kiện"), on_delete=models.SET_NULL)
    dedupe_key = models.CharField(max_length=120, unique=True)
    step = models.CharField(_("bước"), max_length=20, blank=True)
    step_started_at = models.DateTimeField(null=True, blank=True)
    context = models.JSONField(default=dict, blank=True)
    private_context = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("thông báo cần gửi")
        verbose_name_plural = _("hộp thư đi")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The due-soon warning is raised once per step of a report (the sweep runs every minute).
            models.UniqueConstraint(
                fields=["report", "step", "step_started_at"],
                condition=Q(kind="due_soon"),
                name="outbox_due_soon_once_per_step",
            )
        ]

    def __str__(self) -> str:
        code = self.context.get("code", "")
        return f"{self.get_kind_display()} {code}".strip()


class Delivery(models.Model):
    """One message to one recipient through one channel; claimed by a worker with a compare-and-swap."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")
        SKIPPED = "skipped", _("Bỏ qua")

    outbox = models.ForeignKey(
        OutboxMessage, verbose_name=_("thông báo"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    user = optional_link(settings.AUTH_USER_MODEL, _("cán bộ nhận"), on_delete=models.CASCADE)
    to_reporter = models.BooleanField(_("gửi người phản ánh"), default=False)
    subscription = optional_link("PushSubscription", _("thiết bị nhận"), on_delete=models.SET_NULL)
    # A follower of a public report (issue 14, item 9): their texts carry the public page and an unsubscribe link.
    follower = optional_link("Follower", on_delete=models.SET_NULL)
    # Phone number or e-mail address, encrypted at rest.
    address = EncryptedTextField(_("địa chỉ nhận"), blank=True)
    idempotency_key = models.CharField(_("khóa chống gửi trùng"), max_length=100, unique=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), default=timezone.now)
    lease_until = models.DateTimeField(_("giữ đến"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    provider_ref = models.CharField(_("mã của nhà cung cấp"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        verbose_name = _("lượt gửi")
        verbose_name_plural = _("lượt gửi")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next"),
            models.Index(fields=["status", "lease_until"], name="delivery_status_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.to_reporter:
            return str(_("Người phản ánh"))
        if self.follower_id:
            return str(_("Người theo dõi phản ánh"))
        return str(self.user) if self.user_id else "—"


class Notification(models.Model):
    """One message shown in the console to one member of staff.

    A notification that asks for a step of a case (`step`, started at `step_started_at`) is done
    (`done_at`) once that step is done, whoever did it, or once the case left that step (issue 14, item 7):
    forwarded, assigned, escalated, resolved. One that asks for nothing (`step` empty) is done once read.
    The console's count is of the notifications not done (`needs_action`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=30)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    report = optional_link("reports.Report", _("phản ánh"), on_delete=models.CASCADE)
    delivery = models.OneToOneField(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    step = models.CharField(_("bước cần làm"), max_length=20, blank=True)
    step_started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(_("đã xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo trên hệ thống")
        verbose_name_plural = _("thông báo trên hệ thống")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(fields=["user", "done_at"], name="notification_user_open"),
            models.Index(fields=["report", "done_at"], name="notification_report_open"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def asks_action(self) -> bool:
        """Whether it asks for a step of a case (else it only informs)."""
        return bool(self.step)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind


class MessageTemplate(models.Model):
    """The Vietnamese text of one kind of message on one channel (Django template syntax), admin-editable."""

    kind = models.CharField(_("loại thông báo"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    subject = models.CharField(
        _("tiêu đề"),
        max_length=200,
        blank=True,
        help_text=_("Tiêu đề thư điện tử, thông báo đẩy và thông báo trên hệ thống; SMS không dùng."),
    )
    body = models.TextField(_("nội dung"))
    is_active = models.BooleanField(
        _("đang dùng"), default=True, help_text=_("Tắt để không gửi loại thông báo này qua kênh này.")
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["kind", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "channel"], name="template_unique_kind_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_channel_display()}"


class Preference(models.Model):
    """The channels one member of staff chose for one kind of notification (no row: the defaults)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("loại thông báo"), max_length=30, choices=Kind.choices)
    console = models.BooleanField(_("trên hệ thống"), default=True)
    push = models.BooleanField(_("thông báo đẩy"), default=True)
    email = models.BooleanField(_("thư điện tử"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_unique_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}"


class PushSubscription(models.Model):
    """A browser that allowed web push: a member of staff's, or a reporter's for one report (the PWA)."""

    user = optional_link(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    report = optional_link("reports.Report", on_delete=models.CASCADE)
    # A follower's browser (issue 14, item 9): told of the report's public updates, not the reporter's messages.
    follows = models.BooleanField(default=False)
    # The push service's URL identifies the browser: personal data, encrypted; looked up by its hash.
    endpoint = EncryptedTextField()
    endpoint_hash = models.CharField(max_length=64, db_index=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(_("trình duyệt"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("đăng ký lúc"), default=timezone.now)
    last_success_at = models.DateTimeField(_("gửi thành công gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("thiết bị nhận thông báo đẩy")
        verbose_name_plural = _("thiết bị nhận thông báo đẩy")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(report__isnull=False), name="push_has_owner"
            ),
            models.UniqueConstraint(
                fields=["endpoint_hash", "user"], condition=Q(user__isnull=False), name="push_unique_user"
            ),
            models.UniqueConstraint(
                fields=["endpoint_hash", "report"],
                condition=Q(report__isnull=False),
                name="push_unique_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.report} · {self.user_agent[:40]}"


class Follower(models.Model):
    """Someone who follows a public report (issue 14, item 9; R-9.2): by SMS to a phone confirmed with a
    one-time code, or by web push from one browser. The phone is personal data: encrypted, looked up by its
    keyed hash, never shown publicly nor logged. The reporter of a duplicate follows its original too."""

    class Channel(models.TextChoices):
        SMS = "sms", _("Tin nhắn SMS")
        PUSH = "push", _("Thông báo đẩy")

    class Origin(models.TextChoices):
        PUBLIC = "public", _("Tự đăng ký theo dõi")
        DUPLICATE = "duplicate", _("Người gửi phản ánh trùng")

    report = models.ForeignKey(
        "reports.Report", verbose_name=_("phản ánh"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    origin = models.CharField(_("nguồn"), max_length=10, choices=Origin.choices, default=Origin.PUBLIC)
    phone = EncryptedTextField(_("số điện thoại"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    subscription = models.OneToOneField(
        PushSubscription, null=True, blank=True, on_delete=models.CASCADE, related_name="follower"
    )
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("đăng ký lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("người theo dõi phản ánh")
        verbose_name_plural = _("người theo dõi phản ánh")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "phone_hash"], condition=~Q(phone_hash=""), name="follower_once_per_phone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.get_channel_display()}"
