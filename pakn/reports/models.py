"""Reports, their append-only timeline, attachments, department opinions, bans and deadline policies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.crypto import EncryptedTextField
from pakn.core.fields import optional_link
from pakn.org.models import Agency, Area, Category


class State(models.TextChoices):
    RECEIVED = "received", _("Chờ tiếp nhận")
    AWAITING_INFO = "awaiting_info", _("Chờ bổ sung thông tin")
    ROUTED = "routed", _("Chờ phân công")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ duyệt kết quả")
    COORDINATING = "coordinating", _("Đang phối hợp xử lý")
    RESOLVED = "resolved", _("Đã xử lý")
    REJECTED = "rejected", _("Từ chối tiếp nhận")
    CANCELLED = "cancelled", _("Đã hủy")


OPEN_STATES = frozenset(
    {
        State.RECEIVED,
        State.AWAITING_INFO,
        State.ROUTED,
        State.IN_PROGRESS,
        State.AWAITING_APPROVAL,
        State.COORDINATING,
    }
)
CLOSED_STATES = frozenset({State.RESOLVED, State.REJECTED, State.CANCELLED})


class Step(models.TextChoices):
    """A step of Article 7 that has a deadline."""

    TRIAGE = "triage", _("Kiểm tra, chuyển xử lý (IOC)")
    SUPPLEMENT = "supplement", _("Bổ sung thông tin")
    ASSIGN = "assign", _("Phân công xử lý")
    HANDLE = "handle", _("Xác minh, báo cáo kết quả")
    APPROVE = "approve", _("Duyệt kết quả")
    ESCALATE = "escalate", _("Chuyển cấp trên")
    COORDINATE = "coordinate", _("Phối hợp xử lý cấp tỉnh")
    OPINION = "opinion", _("Ý kiến sở, ngành")
    CLARIFY = "clarify", _("Trả lời làm rõ")


class Channel(models.TextChoices):
    WEB = "web", _("Cổng thông tin")
    APP = "app", _("Ứng dụng di động")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    STAFF = "staff", _("Cán bộ nhập")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Hài lòng")
    ACCEPTABLE = "acceptable", _("Chấp nhận được")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


class ReporterKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class DeadlinePolicy(models.Model):
    """How long a step may take at a kind of agency (R-7); defaults seeded, editable by the administrator.

    A *statutory* row is a deadline Decision 826 sets (its article is required): missing it counts as late in
    the figures, the ranking and the public record. A *target* row is an internal aim the regulation does not
    set: missing it only warns the people who must act. A step with no row has no deadline at all.
    """

    class Nature(models.TextChoices):
        STATUTORY = "statutory", _("Thời hạn theo Quy chế (tính trễ hạn)")
        TARGET = "target", _("Chỉ tiêu nội bộ (chỉ nhắc việc)")

    class Unit(models.TextChoices):
        HOURS = "hours", _("giờ")
        WORKING_HOURS = "working_hours", _("giờ làm việc")
        WORKING_DAYS = "working_days", _("ngày làm việc")
        DAYS = "days", _("ngày")

    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    agency_kind = models.CharField(
        _("loại cơ quan"),
        max_length=20,
        choices=Agency.Kind.choices,
        blank=True,
        help_text=_("Để trống: áp dụng cho mọi loại cơ quan không có quy định riêng"),
    )
    is_complex = models.BooleanField(_("vụ việc phức tạp"), default=False)
    amount = models.PositiveIntegerField(_("thời hạn"))
    unit = models.CharField(_("đơn vị"), max_length=20, choices=Unit.choices)
    nature = models.CharField(
        _("tính chất"),
        max_length=10,
        choices=Nature.choices,
        default=Nature.TARGET,
        help_text=_(
            "Thời hạn theo Quy chế được tính vào số liệu trễ hạn, xếp hạng và thông tin công khai; "
            "chỉ tiêu nội bộ chỉ dùng để nhắc việc."
        ),
    )
    article = models.CharField(
        _("điều, khoản của Quy chế"),
        max_length=200,
        blank=True,
        help_text=_("Bắt buộc với thời hạn theo Quy chế, ví dụ: Điểm a khoản 3 Điều 7."),
    )
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thời hạn xử lý")
        verbose_name_plural = _("thời hạn xử lý")
        ordering = ["step", "agency_kind", "is_complex"]
        constraints = [
            models.UniqueConstraint(fields=["step", "agency_kind", "is_complex"], name="policy_unique_step")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} — {self.get_agency_kind_display() or _('mọi cơ quan')}"

    @property
    def is_statutory(self) -> bool:
        return self.nature == self.Nature.STATUTORY

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.nature == self.Nature.STATUTORY and not self.article.strip():
            raise ValidationError(
                {
                    "article": _(
                        "Thời hạn theo Quy chế phải ghi rõ điều, khoản của Quy chế quy định thời hạn đó."
                    )
                }
            )


class Report(models.Model):
    """A citizen's report (phản ánh, kiến nghị) with its place, its reporter's protected data and its state."""

    tracking_code = models.CharField(_("mã tra cứu"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT)
    title = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    content = models.TextField(_("nội dung"))
    # The public copy of the text: personal data masked at submission, replaced by a staff redaction;
    # published only once the IOC has triaged the report (`text_public`, set by forwarding it).
    public_title = models.CharField(_("tiêu đề công khai"), max_length=200, blank=True)
    public_content = models.TextField(_("nội dung công khai"), blank=True)
    text_public = models.BooleanField(_("đã công khai nội dung"), default=False)
    # The place of the incident (public).
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    address_text = models.CharField(_("địa điểm"), max_length=300, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("xã/phường"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The reporter: personal data, encrypted at rest, never public.
    reporter_kind = models.CharField(
        _("người gửi là"), max_length=15, choices=ReporterKind.choices, default=ReporterKind.PERSON
    )
    reporter_name = EncryptedTextField(_("họ và tên"), blank=True)
    reporter_address = EncryptedTextField(_("địa chỉ liên hệ"), blank=True)
    reporter_phone = EncryptedTextField(_("số điện thoại"), blank=True)
    reporter_id_number = EncryptedTextField(_("số CMND/CCCD"), blank=True)
    reporter_email = EncryptedTextField(_("thư điện tử"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    declared_truthful = models.BooleanField(_("cam kết thông tin trung thực"), default=False)

    # Where it stands.
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.RECEIVED)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan đang xử lý"), on_delete=models.PROTECT, related_name="reports"
    )
    assignee = optional_link(settings.AUTH_USER_MODEL, _("cán bộ xử lý"), related_name="assigned_reports")
    agency_since = models.DateTimeField(_("nhận tại cơ quan lúc"), null=True, blank=True)
    step = models.CharField(_("bước hiện tại"), max_length=20, choices=Step.choices, blank=True)
    step_started_at = models.DateTimeField(_("bắt đầu bước"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn bước hiện tại"), null=True, blank=True)
    escalate_by = models.DateTimeField(_("hạn chuyển cấp trên"), null=True, blank=True)
    # Whether `due_at` (and `escalate_by`) are deadlines Decision 826 sets, or internal targets (warnings only).
    step_statutory = models.BooleanField(_("hạn bước theo Quy chế"), default=False)
    escalate_statutory = models.BooleanField(_("hạn chuyển cấp trên theo Quy chế"), default=False)
    # When the case, as it stands, is overdue under Decision 826: the statutory deadline of what is pending,
    # or None when nothing pending has one. A case waiting to be assigned at an agency that may escalate it is
    # overdue only when both the assignment and the escalation time have passed.
    overdue_at = models.DateTimeField(_("quá hạn theo Quy chế từ"), null=True, blank=True)
    overdue_noted = models.BooleanField(default=False, editable=False)

    # Flags.
    is_complex = models.BooleanField(_("phức tạp"), default=False)
    is_state_secret = models.BooleanField(_("bí mật nhà nước"), default=False)
    is_valuable = models.BooleanField(_("có giá trị"), default=False)
    is_abusive = models.BooleanField(_("sai sự thật, lợi dụng"), default=False)

    # The outcome.
    result_text = models.TextField(_("kết quả xử lý"), blank=True)
    resolved_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True)
    closed_reason = models.TextField(_("lý do từ chối/hủy"), blank=True)
    clarification_pending = models.BooleanField(_("đang chờ làm rõ"), default=False)
    rating = models.CharField(_("đánh giá"), max_length=15, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(_("thời điểm đánh giá"), null=True, blank=True)

    created_at = models.DateTimeField(_("thời điểm gửi"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)
    # The public text, normalised for the public search (pakn.reports.search): written with that text.
    search_text = models.TextField(blank=True, default="", editable=False)
    # Compare-and-swap guard and the head of the event chain (tamper evidence, R-9.1).
    version = models.PositiveIntegerField(default=0, editable=False)
    head_hash = models.CharField(max_length=64, blank=True, editable=False)
    event_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="report_state_due"),
            models.Index(fields=["agency", "state", "due_at"], name="report_agency_state_due"),
            models.Index(fields=["assignee", "state"], name="report_assignee_state"),
            models.Index(fields=["updated_at"], name="report_updated"),
            models.Index(fields=["state", "overdue_at"], name="report_state_overdue"),
            models.Index(fields=["agency", "state", "overdue_at"], name="report_agency_state_overdue"),
            # The public list filtered by commune or category, newest first (issue 13: at a million reports
            # a commune's page otherwise walks the whole created_at index).
            models.Index(fields=["area", "created_at"], name="report_area_created"),
            models.Index(fields=["category", "created_at"], name="report_category_created"),
            # The done tab's cases assigned to the viewer, newest first (issue 13: ordered by id alone,
            # PostgreSQL walked the whole primary key for someone with none).
            models.Index(fields=["assignee", "id"], name="report_assignee_id"),
            # The overdue board (issue 13): open cases by agency and deadline, a tenth of the table; the board
            # counts and ranks them from this index alone. Its queries say `state IN (sorted open states)`.
            models.Index(
                fields=["agency", "due_at", "id"],
                name="report_open_agency_due",
                condition=models.Q(state__in=sorted(OPEN_STATES)),
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, now: object = None) -> bool:
        """Overdue under Decision 826 (a missed internal target is not "overdue")."""
        moment = now or timezone.now()
        return bool(self.is_open and self.overdue_at and self.overdue_at < moment)  # type: ignore[operator]


# The reporter's personal data: encrypted at rest, never public, erased by the retention.
PERSONAL_FIELDS = (
    "reporter_name",
    "reporter_address",
    "reporter_phone",
    "reporter_id_number",
    "reporter_email",
)


class Event(models.Model):
    """One entry of a report's timeline: who did what, when, and the deadline of the step it closed.

    Append-only; each event carries the hash of the previous one of its report (`pakn audit verify`).
    """

    class ActorKind(models.TextChoices):
        STAFF = "staff", _("Cán bộ")
        REPORTER = "reporter", _("Người phản ánh")
        SYSTEM = "system", _("Hệ thống")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Công khai")
        REPORTER = "reporter", _("Người phản ánh và cán bộ")
        INTERNAL = "internal", _("Nội bộ")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, on_delete=models.PROTECT
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    target_agency = models.ForeignKey(
        Agency, verbose_name=_("chuyển đến"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("hành động"), max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    step = models.CharField(_("bước đã hoàn thành"), max_length=20, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True)
    on_time = models.BooleanField(_("đúng hạn"), null=True)
    # Whether `step_due_at` is a deadline of Decision 826 (counted in figures) or an internal target.
    statutory = models.BooleanField(_("hạn theo Quy chế"), null=True)
    due_at = models.DateTimeField(_("hạn bước tiếp theo"), null=True)
    # The report's `overdue_at` after this event: read by the figures "overdue at the end of a period".
    overdue_at = models.DateTimeField(_("quá hạn theo Quy chế từ"), null=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Whether staff chose to publish the note (issue 14, item 2): a staff note is internal unless its author
    # ticked «Công khai ghi chú này»; who reads each action's note is its spec's `note_readers`.
    note_public = models.BooleanField(_("công khai ghi chú"), default=False)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    # HMAC-SHA256 under the audit key named by key_id, over the content above and the digests of the
    # report's public fields after this event (pakn.reports.chain).
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=8, blank=True)
    sealed_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("dòng thời gian")
        ordering = ["report", "seq"]
        constraints = [models.UniqueConstraint(fields=["report", "seq"], name="event_unique_seq")]
        indexes = [
            models.Index(fields=["step", "at"], name="event_step_at"),
            models.Index(fields=["agency", "at"], name="event_agency_at"),
            # Statistics by action and by receiving agency over a period (docs/statistics.md).
            models.Index(fields=["action", "at"], name="event_action_at"),
            models.Index(fields=["target_agency", "at"], name="event_target_at"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.seq} {self.action}"


class Attachment(models.Model):
    """A photo, video or audio file of a report or of a result. The original stays private to staff."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Ảnh")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Ghi âm")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    event = optional_link(Event, related_name="attachments")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("tệp gốc"), upload_to="private/%Y/%m/")
    public_file = models.FileField(_("bản công khai"), upload_to="public/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by_reporter = models.BooleanField(default=True)
    # Who added it (staff; None for the reporter) and, for staff files, the event that made the public copy
    # public (the approval of a result, or a "publish_media" action); a staff file is never public otherwise.
    uploaded_by = optional_link(settings.AUTH_USER_MODEL)
    published_by_event = optional_link(Event, related_name="published_attachments")
    # A staff redaction replaced (or removed) the public copy; the original stays for staff with the right.
    redacted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class OpinionRequest(models.Model):
    """The IOC asks a provincial department for its opinion on a case (step 5, R-7.5)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="opinion_requests")
    department = models.ForeignKey(Agency, verbose_name=_("sở, ngành"), on_delete=models.PROTECT)
    question = models.TextField(_("nội dung xin ý kiến"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(_("hạn trả lời"))
    statutory = models.BooleanField(_("hạn theo Quy chế"), default=False)
    answer = models.TextField(_("ý kiến"), blank=True)
    answered_by = optional_link(settings.AUTH_USER_MODEL)
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the sweep recorded that the deadline passed unanswered (R-7.5; once, `note_opinion_overdue`).
    overdue_noted_at = models.DateTimeField(_("ghi nhận quá hạn lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("xin ý kiến sở, ngành")
        verbose_name_plural = _("xin ý kiến sở, ngành")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.department_id}"


class ReporterBan(models.Model):
    """A reporter barred from submitting after repeated abusive reports (R-15.2), by keyed hash only.

    Set by `bar_reporter` on a report (its timeline records it) by an official of `agency`; lifted only by
    a leader of that agency or the supervisor (`lift_ban`), who, when and why kept here and on the timeline.
    """

    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reason = models.TextField(_("lý do"))
    report = optional_link(Report, _("phản ánh"), related_name="bans")
    agency = optional_link(Agency, _("cơ quan hạn chế"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(_("đã gỡ lúc"), null=True, blank=True)
    lifted_by = optional_link(settings.AUTH_USER_MODEL, _("người gỡ"))
    lift_reason = models.TextField(_("lý do gỡ"), blank=True)

    class Meta:
        verbose_name = _("hạn chế gửi phản ánh")
        verbose_name_plural = _("hạn chế gửi phản ánh")

    def __str__(self) -> str:
        return f"#{self.pk}"


class PersonalDataAccess(models.Model):
    """Who saw or searched a reporter's personal data, when and why (R-3.2)."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Xem")
        SEARCH = "search", _("Tra cứu")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.report_id}"


class AuditCheckpoint(models.Model):
    """A signed statement of every changed report's chain head at a moment, published in open data.

    Kept here for the portal to publish, but trusted only for its Ed25519 signature: copies kept by anyone
    outside the database let `pakn audit verify --checkpoints DIR` detect a timeline truncated and its
    head rolled back (pakn.reports.checkpoints).
    """

    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    body = models.TextField()
    signature = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("mốc kiểm toán")
        verbose_name_plural = _("mốc kiểm toán")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number}"


class MeToo(models.Model):
    """«Tôi cũng gặp»: one browser says it has the same problem as a public report (issue 14, item 9).

    No account and nothing personal: `voter` is a keyed hash of a random id kept in the browser's session, so
    the same browser counts once per report; the count is shown to staff and on the public page.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="me_too")
    voter = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("người cũng gặp")
        verbose_name_plural = _("người cũng gặp")
        constraints = [models.UniqueConstraint(fields=["report", "voter"], name="me_too_once_per_voter")]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.created_at:%Y-%m-%d}"
