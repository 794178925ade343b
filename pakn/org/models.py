"""Areas, agencies (with their escalation chain), categories and staff accounts (R-2, R-3.1, R-6.1, R-7.6)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.collation import COLLATION
from pakn.core.fields import optional_link


class Area(models.Model):
    """An administrative unit where an incident happens: the province, a district (2022) or a commune."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        DISTRICT = "district", _("Huyện")
        COMMUNE = "commune", _("Xã/phường")

    dataset = models.CharField(_("bộ dữ liệu"), max_length=10, help_text=_("2022 hoặc 2025"))
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=200, db_collation=COLLATION)
    kind = models.CharField(_("cấp"), max_length=10, choices=Kind.choices)
    type_label = models.CharField(
        _("loại"), max_length=50, blank=True, help_text=_("tỉnh, huyện, xã, phường…")
    )
    parent = optional_link("self", _("thuộc"), related_name="children")
    legacy_codes = models.JSONField(
        _("mã cũ"), default=list, blank=True, help_text=_("Mã các đơn vị trước sắp xếp năm 2025")
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["dataset", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["dataset", "code"], name="area_unique_code")]

    def __str__(self) -> str:
        return self.name


class CodedName(models.Model):
    """Reference data an administrator keeps (agencies, categories): a stable code that imports and links
    use, and a name sorted and searched in Vietnamese, by which it is shown."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=200, db_collation=COLLATION)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Agency(CodedName):
    """A body that handles reports. Its parent is where its cases escalate (R-7.6: the chain is data)."""

    class Kind(models.TextChoices):
        IOC = "ioc", _("Trung tâm IOC")
        SUPERVISOR = "supervisor", _("Văn phòng UBND tỉnh")
        DEPARTMENT = "department", _("Sở, ngành")
        DISTRICT = "district", _("UBND cấp huyện")
        COMMUNE = "commune", _("UBND cấp xã")
        ENTERPRISE = "enterprise", _("Doanh nghiệp công ích")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, db_index=True)
    area = optional_link(Area, _("địa bàn"), related_name="agencies")
    parent = optional_link("self", _("cấp trên (nơi chuyển vượt thẩm quyền)"), related_name="children")
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan xử lý")
        verbose_name_plural = _("cơ quan xử lý")
        ordering = ["kind", "name"]

    @property
    def is_province_level(self) -> bool:
        """The IOC and the supervisor coordinate at province level (step 5, R-4.4)."""
        return self.kind in (self.Kind.IOC, self.Kind.SUPERVISOR)

    def ancestors(self) -> list[Agency]:
        chain: list[Agency] = []
        node = self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain


class Category(CodedName):
    """A subject field of reports (lĩnh vực, R-6.1); data an administrator edits."""

    description = models.TextField(_("mô tả"), blank=True)
    department = optional_link(
        Agency,
        _("sở chủ trì ở cấp tỉnh"),
        on_delete=models.SET_NULL,
        limit_choices_to={"kind": Agency.Kind.DEPARTMENT},
        related_name="categories",
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["position", "name"]


class CategoryProposal(models.Model):
    """An agency's proposal of a new category or of a change to one (Điều 14 khoản 3 Quy chế, R-14.3), and
    the administrator's decision: approved (and applied) or refused with a reason. Both are kept."""

    class Kind(models.TextChoices):
        NEW = "new", _("Bổ sung lĩnh vực mới")
        CHANGE = "change", _("Cập nhật lĩnh vực")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xem xét")
        APPROVED = "approved", _("Đã chấp thuận")
        REFUSED = "refused", _("Không chấp thuận")

    kind = models.CharField(_("loại đề xuất"), max_length=10, choices=Kind.choices)
    category = optional_link(Category, _("lĩnh vực cần cập nhật"), related_name="proposals")
    name = models.CharField(_("tên lĩnh vực"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    department = optional_link(Agency, _("sở chủ trì ở cấp tỉnh"))
    reason = models.TextField(_("lý do đề xuất"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan đề xuất"), on_delete=models.PROTECT, related_name="category_proposals"
    )
    proposed_by = models.ForeignKey(
        "org.User", verbose_name=_("người đề xuất"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("đề xuất lúc"))
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = optional_link("org.User", _("người quyết định"))
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = models.TextField(_("lý do, ghi chú của quản trị"), blank=True)
    result = optional_link(Category, _("lĩnh vực sau khi áp dụng"))

    class Meta:
        verbose_name = _("đề xuất lĩnh vực")
        verbose_name_plural = _("đề xuất lĩnh vực")
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class User(AbstractUser):
    """One personal account per official (R-3.1), in one agency, with one role."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("Cán bộ tiếp nhận (IOC)")
        LEADER = "leader", _("Lãnh đạo")
        OFFICER = "officer", _("Cán bộ xử lý")
        SPECIALIST = "specialist", _("Chuyên viên sở, ngành")
        SUPERVISOR = "supervisor", _("Giám sát (Văn phòng UBND tỉnh)")
        ADMIN = "admin", _("Quản trị hệ thống")

    agency = optional_link(Agency, _("cơ quan"), related_name="staff")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    is_focal = models.BooleanField(
        _("đầu mối"), default=False, help_text=_("Cán bộ đầu mối của cơ quan (theo Điều 14 Quy chế)")
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("tài khoản cán bộ")
        verbose_name_plural = _("tài khoản cán bộ")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names (họ, last_name) before the given name (tên)."""
        return f"{self.last_name} {self.first_name}".strip()


class AccountEvent(models.Model):
    """A recorded change to an official's credentials made by someone else (R-3.1): who, when, why.

    An administrator's reset of a second factor is the only way to replace an authenticator without the
    current one; the record is what makes that reset accountable.
    """

    class Action(models.TextChoices):
        SECOND_FACTOR_RESET = "second_factor_reset", _("Đặt lại xác thực hai lớp")

    user = models.ForeignKey(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="account_events"
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=40, choices=Action.choices)
    reason = models.TextField(_("lý do"))
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký tài khoản")
        verbose_name_plural = _("nhật ký tài khoản")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.user} ({self.at:%Y-%m-%d %H:%M})"


class AreaBoundary(models.Model):
    """The boundary of an area (GeoJSON Polygon or MultiPolygon, WGS 84), imported by an administrator.

    With boundaries the commune of a point is found by point-in-polygon (pakn.org.boundaries); without them
    nothing is guessed. The bounding box columns let a look-up test only the few boundaries around a point.
    """

    area = models.OneToOneField(
        Area, verbose_name=_("đơn vị hành chính"), on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.JSONField(_("ranh giới (GeoJSON)"))
    min_lat = models.FloatField()
    max_lat = models.FloatField()
    min_lng = models.FloatField()
    max_lng = models.FloatField()
    source = models.CharField(_("tệp nguồn"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("nhập lúc"), default=timezone.now)
    imported_by = optional_link("org.User", _("người nhập"), on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("ranh giới hành chính")
        verbose_name_plural = _("ranh giới hành chính")
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lng", "max_lng"], name="boundary_bbox")]

    def __str__(self) -> str:
        return str(self.area)
