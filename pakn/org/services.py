"""Writes of the organisation: area import, the agencies and their escalation chain, staff accounts.

R-7.6: the escalation chain is data. Each agency's parent is where its cases go when they are beyond its
authority; this module builds that chain from the area hierarchy of the chosen dataset (2022: commune →
district → IOC; 2025: commune → IOC) and nothing outside the data names a level.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pakn.core import province
from pakn.org.areas_csv import OrgRows, org_rows_read
from pakn.org.models import Agency, Area, Category, User

DATA_DIR = Path(__file__).resolve().parent / "data"
DATASETS = ("2022", "2025")
DEFAULT_DATASET = "2025"

IOC_CODE = "ioc"
SUPERVISOR_CODE = "vp-ubnd-tinh"

# Agencies every installation starts with. Created when missing, never overwritten: names, parents and
# contact details are data an administrator edits (departments are renamed and merged, as in 2025).
# (code, name, kind, parent code)
BASE_AGENCIES: tuple[tuple[str, str, str, str | None], ...] = (
    (IOC_CODE, "Trung tâm Thông tin chỉ đạo điều hành tỉnh (IOC)", Agency.Kind.IOC, None),
    (SUPERVISOR_CODE, "Văn phòng UBND tỉnh", Agency.Kind.SUPERVISOR, None),
    ("cong-an-tinh", "Công an tỉnh", Agency.Kind.DEPARTMENT, IOC_CODE),
    # Formerly Sở Giao thông vận tải (merged into Sở Xây dựng in 2025).
    ("so-xay-dung", "Sở Xây dựng", Agency.Kind.DEPARTMENT, IOC_CODE),
    # Formerly Sở Tài nguyên và Môi trường.
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", Agency.Kind.DEPARTMENT, IOC_CODE),
    ("so-y-te", "Sở Y tế", Agency.Kind.DEPARTMENT, IOC_CODE),
    # Formerly Sở Thông tin và Truyền thông.
    ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", Agency.Kind.DEPARTMENT, IOC_CODE),
    # A public-service enterprise: urban sanitation, lighting and green spaces.
    # Named after the province when created ("… <tên tỉnh>"): see _base_agency_name.
    ("moi-truong-do-thi", "Công ty Cổ phần Môi trường và Dịch vụ đô thị", Agency.Kind.ENTERPRISE, IOC_CODE),
)
DATASET_LABEL = re.compile(r"^[0-9A-Za-z_-]{1,10}$")

# The department that handles each category at province level (step 5, R-7.5); linked only when the
# category names none, so an administrator's choice stands.
CATEGORY_DEPARTMENTS = {
    "an-ninh-trat-tu": "cong-an-tinh",
    "an-toan-giao-thong": "so-xay-dung",
    "trat-tu-do-thi": "so-xay-dung",
    "ve-sinh-moi-truong": "so-nong-nghiep-moi-truong",
    "y-te": "so-y-te",
    "vien-thong": "so-khoa-hoc-cong-nghe",
}

# An area of each kind gets a People's Committee of the matching kind; the province has the IOC instead.
_COMMITTEE_KIND: dict[str, str] = {
    Area.Kind.DISTRICT: Agency.Kind.DISTRICT,
    Area.Kind.COMMUNE: Agency.Kind.COMMUNE,
}
_KIND_RANK: dict[str, int] = {Area.Kind.PROVINCE: 0, Area.Kind.DISTRICT: 1, Area.Kind.COMMUNE: 2}


def _check_dataset(dataset: str, *, from_file: bool = False) -> str:
    """A bundled dataset (2022, 2025), or any short label for a province's own file."""
    dataset = str(dataset)
    if from_file and DATASET_LABEL.match(dataset):
        return dataset
    if dataset not in DATASETS:
        raise ValidationError(
            "Bộ dữ liệu không hợp lệ: %(dataset)s (chọn một trong: %(choices)s).",
            params={"dataset": dataset, "choices": ", ".join(DATASETS)},
            code="invalid_dataset",
        )
    return dataset


def dataset_path(dataset: str) -> Path:
    return DATA_DIR / f"lang-son-units-{_check_dataset(dataset)}.csv"


def committee_code(area: Area) -> str:
    """The stable code of the People's Committee of an area, e.g. ubnd-2025-5977."""
    return f"ubnd-{area.dataset}-{area.code}"


@dataclass
class ImportResult:
    dataset: str
    kinds: Counter[str] = field(default_factory=Counter)
    areas_created: int = 0
    areas_updated: int = 0
    areas_deactivated: int = 0
    agencies_created: int = 0
    agencies_activated: int = 0
    agencies_deactivated: int = 0
    categories_linked: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.areas_created,
                self.areas_updated,
                self.areas_deactivated,
                self.agencies_created,
                self.agencies_activated,
                self.agencies_deactivated,
                self.categories_linked,
            )
        )

    def summary_lines(self) -> list[str]:
        """A Vietnamese summary for the administrator who ran the import."""
        labels = dict(Area.Kind.choices)
        per_kind = "; ".join(
            f"{labels[kind]}: {self.kinds[kind]}" for kind in _KIND_RANK if self.kinds.get(kind)
        )
        return [
            f"Bộ dữ liệu {self.dataset} — {per_kind}.",
            f"Đơn vị hành chính: thêm mới {self.areas_created}, cập nhật {self.areas_updated}, "
            f"ngừng dùng {self.areas_deactivated} (thuộc bộ dữ liệu khác).",
            f"Cơ quan xử lý: thêm mới {self.agencies_created}, kích hoạt lại {self.agencies_activated}, "
            f"ngừng hoạt động {self.agencies_deactivated}.",
            f"Lĩnh vực được gắn sở chủ trì: {self.categories_linked}.",
        ]


def org_rows(path: Path) -> OrgRows:
    """The validated rows of a CSV file (pakn.org.areas_csv), checked against the agencies and categories."""
    known = {code for code, *_ in BASE_AGENCIES} | set(Agency.objects.values_list("code", flat=True))
    return org_rows_read(
        path, known_agencies=known, categories=set(Category.objects.values_list("code", flat=True))
    )


def areas_import(
    *, dataset: str = DEFAULT_DATASET, rows: OrgRows | None = None, result: ImportResult | None = None
) -> ImportResult:
    """Create or update the areas of one dataset (by dataset and code); every other area goes inactive.

    `rows` come from a province's own file (`org_rows`); by default, from the bundled file of the dataset.
    Idempotent: a row whose fields already match is not written again.
    """
    dataset = _check_dataset(dataset, from_file=rows is not None)
    result = result or ImportResult(dataset=dataset)
    if rows is None:
        rows = org_rows(dataset_path(dataset))
    with transaction.atomic():
        existing = {area.code: area for area in Area.objects.filter(dataset=dataset)}
        by_code: dict[str, Area] = {}
        for row in rows.areas:
            parent = by_code.get(row.get("parent_code", "")) if row.get("parent_code") else None
            if row.get("parent_code") and parent is None:
                raise ValidationError(
                    f"Đơn vị {row['code']} ({row['name']}) thuộc mã {row['parent_code']}, "
                    "mã này không có trong dữ liệu."
                )
            values = {
                "name": row["name"],
                "kind": row["level"],
                "type_label": row["type"],
                "parent": parent,
                "legacy_codes": row.get("legacy_codes", "").split(),
                "is_active": True,
            }
            area = existing.get(row["code"])
            if area is None:
                area = Area.objects.create(dataset=dataset, code=row["code"], **values)
                result.areas_created += 1
            else:
                changed = [name for name, value in values.items() if getattr(area, name) != value]
                if changed:
                    for name in changed:
                        setattr(area, name, values[name])
                    area.save(update_fields=changed)
                    result.areas_updated += 1
            by_code[area.code] = area
            result.kinds[area.kind] += 1
        # Areas of another dataset (or no longer in the file) stay for old reports but can no longer be chosen.
        imported = [area.pk for area in by_code.values()]
        result.areas_deactivated += (
            Area.objects.exclude(pk__in=imported).filter(is_active=True).update(is_active=False)
        )
    return result


def _base_agency_name(code: str, name: str) -> str:
    """An enterprise carries the province's name ("… <tên tỉnh>"); the bodies of the state do not."""
    return f"{name} {province.province_name()}" if code == "moi-truong-do-thi" else name


def _extra_agencies(rows: list[dict[str, str]], agencies: dict[str, Agency], result: ImportResult) -> None:
    """The province's own departments and enterprises from its file; created when missing, never overwritten."""
    pending = list(rows)
    while pending:  # a row may name as parent an agency of a later row
        row = pending.pop(0)
        parent_code = row["parent_code"] or IOC_CODE
        parent = agencies.get(parent_code) or Agency.objects.filter(code=parent_code).first()
        if parent is None:
            pending.append(row)
            continue
        kind = Agency.Kind.DEPARTMENT if row["level"] == "department" else Agency.Kind.ENTERPRISE
        agency, created = Agency.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": kind,
                "parent": parent,
                "email": row.get("email", ""),
                "phone": row.get("phone", ""),
            },
        )
        agencies[agency.code] = agency
        result.agencies_created += created
        for code in row.get("categories", "").split():
            result.categories_linked += Category.objects.filter(code=code, department__isnull=True).update(
                department=agency
            )


def agencies_bootstrap(
    *, dataset: str = DEFAULT_DATASET, rows: OrgRows | None = None, result: ImportResult | None = None
) -> ImportResult:
    """Create the missing agencies of a dataset and link categories to their departments.

    Never overwrites what an administrator edited: existing agencies keep their name, parent and contacts.
    Only whether a People's Committee is active follows the dataset: those of the chosen dataset are
    active, those of the other one are not (they stay for old reports). Run after `areas_import`.
    """
    dataset = _check_dataset(dataset, from_file=rows is not None)
    result = result or ImportResult(dataset=dataset)
    with transaction.atomic():
        agencies = _base_agencies(result)
        if rows is not None:
            _extra_agencies(rows.agencies, agencies, result)
        _committees(dataset, agencies[IOC_CODE], result)
        _committees_follow_areas(result)
        _link_category_departments(result)
    return result


def _base_agencies(result: ImportResult) -> dict[str, Agency]:
    """The agencies every installation starts with (BASE_AGENCIES), by code; created when missing."""
    agencies: dict[str, Agency] = {}
    for code, name, kind, parent_code in BASE_AGENCIES:
        parent = agencies[parent_code] if parent_code else None
        agency, created = Agency.objects.get_or_create(
            code=code, defaults={"name": _base_agency_name(code, name), "kind": kind, "parent": parent}
        )
        agencies[code] = agency
        result.agencies_created += created
    return agencies


def _committees(dataset: str, ioc: Agency, result: ImportResult) -> None:
    """One People's Committee per area that has a committee kind; its parent is the committee of the
    parent area when there is one, else the IOC."""
    committees: dict[int, Agency] = {}
    areas = Area.objects.filter(dataset=dataset).select_related("parent")
    for area in sorted(areas, key=lambda a: _KIND_RANK[a.kind]):
        committee_kind = _COMMITTEE_KIND.get(area.kind)
        if committee_kind is None:
            continue
        parent = committees.get(area.parent_id) if area.parent_id else None
        agency, created = Agency.objects.get_or_create(
            code=committee_code(area),
            defaults={
                "name": f"UBND {area.name}",
                "kind": committee_kind,
                "area": area,
                "parent": parent or ioc,
            },
        )
        committees[area.pk] = agency
        result.agencies_created += created


def _committees_follow_areas(result: ImportResult) -> None:
    """Whether a committee is active follows its area (active when imported last), so switching back and
    forth is reversible."""
    committees_all = Agency.objects.filter(kind__in=set(_COMMITTEE_KIND.values()), area__isnull=False)
    result.agencies_activated += committees_all.filter(area__is_active=True, is_active=False).update(
        is_active=True
    )
    result.agencies_deactivated += committees_all.filter(is_active=True, area__is_active=False).update(
        is_active=False
    )


def _link_category_departments(result: ImportResult) -> None:
    """Each category that names no department gets its default one (CATEGORY_DEPARTMENTS)."""
    departments = {a.code: a for a in Agency.objects.filter(code__in=set(CATEGORY_DEPARTMENTS.values()))}
    for category in Category.objects.filter(code__in=list(CATEGORY_DEPARTMENTS), department__isnull=True):
        department = departments.get(CATEGORY_DEPARTMENTS[category.code])
        if department is not None:
            category.department = department
            category.save(update_fields=["department"])
            result.categories_linked += 1


def org_import(*, dataset: str = DEFAULT_DATASET, csv_path: Path | None = None) -> ImportResult:
    """The whole import behind `pakn import-areas`: areas, then agencies, in one transaction.

    Without `csv_path`, the bundled data of `dataset` (pakn/org/data); with it, any province's file (validated
    first: a ValidationError lists every problem with its line number and nothing is written).
    """
    dataset = _check_dataset(dataset, from_file=csv_path is not None)
    rows = org_rows(csv_path if csv_path is not None else dataset_path(dataset))
    with transaction.atomic():
        result = areas_import(dataset=dataset, rows=rows)
        agencies_bootstrap(dataset=dataset, rows=rows, result=result)
    return result


def suggested_commune_agency(area: Area | None, latitude: Any = None, longitude: Any = None) -> Agency | None:
    """Where the IOC is offered to forward a report (R-7.2a): the commune whose imported boundary covers
    the report's point when boundaries exist, else the commune the citizen chose."""
    from pakn.org.boundaries import commune_at

    if latitude is not None and longitude is not None:
        placed = commune_at(float(latitude), float(longitude))
        if placed is not None:
            return commune_agency_for_area(placed)
    return commune_agency_for_area(area)


def commune_agency_for_area(area: Area | None) -> Agency | None:
    """The active People's Committee of a commune area (where the IOC forwards a report, R-7.2a).

    For a commune of a retired set of areas (a 2022 commune named by a report sent before the switch to 2025),
    the committee of the one active commune that absorbed it (its `legacy_codes`); None when it was split."""
    if area is None:
        return None
    found = Agency.objects.filter(area=area, kind=Agency.Kind.COMMUNE, is_active=True).order_by("pk").first()
    if found is None and not area.is_active:
        successors = successor_areas(area)
        if len(successors) == 1:
            return commune_agency_for_area(successors[0])
    return found


def successor_areas(area: Area) -> list[Area]:
    """The active communes of another set of areas whose `legacy_codes` name this one (2022 → 2025)."""
    return [
        other
        for other in Area.objects.filter(kind=Area.Kind.COMMUNE, is_active=True).exclude(dataset=area.dataset)
        if area.code in (other.legacy_codes or [])
    ]


# Which kinds of agency each role may belong to (None: any kind).
ROLE_AGENCY_KINDS: dict[str, frozenset[str] | None] = {
    User.Role.OPERATOR: frozenset({Agency.Kind.IOC}),
    User.Role.SUPERVISOR: frozenset({Agency.Kind.SUPERVISOR}),
    User.Role.SPECIALIST: frozenset({Agency.Kind.DEPARTMENT}),
    User.Role.LEADER: frozenset(set(Agency.Kind) - {Agency.Kind.SUPERVISOR}),
    User.Role.OFFICER: frozenset(set(Agency.Kind) - {Agency.Kind.SUPERVISOR}),
    User.Role.ADMIN: None,
}


def user_role_check(*, role: str, agency: Agency | None) -> None:
    """Raise a ValidationError (in Vietnamese) when the role does not fit the agency's kind."""
    if role not in ROLE_AGENCY_KINDS:
        raise ValidationError({"role": "Vai trò không hợp lệ."}, code="invalid_role")
    allowed = ROLE_AGENCY_KINDS[role]
    if allowed is None:
        return
    role_label = User.Role(role).label
    if agency is None:
        raise ValidationError(
            {"agency": f"Tài khoản có vai trò “{role_label}” phải thuộc một cơ quan."}, code="agency_required"
        )
    if agency.kind not in allowed:
        kinds = ", ".join(str(Agency.Kind(kind).label) for kind in Agency.Kind if kind in allowed)
        raise ValidationError(
            {
                "role": f"Vai trò “{role_label}” không phù hợp với {agency.name} "
                f"({agency.get_kind_display()}); vai trò này chỉ dùng tại: {kinds}."
            },
            code="role_agency_mismatch",
        )


def user_apply_role_flags(user: User) -> None:
    """Only administrators enter the Django admin; other staff work in the console."""
    if user.role == User.Role.ADMIN:
        user.is_staff = True
        user.is_superuser = True
    elif user.role:
        user.is_staff = False
        user.is_superuser = False


def _normalize_staff_phone(raw: str) -> str:
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({"phone": "Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678."})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _split_full_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: family and middle names first, the given name (tên) last."""
    parts = full_name.split()
    if not parts:
        raise ValidationError({"full_name": "Vui lòng nhập họ và tên."}, code="required")
    return " ".join(parts[:-1]), parts[-1]


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str,
    agency: Agency | None,
    role: str,
    email: str = "",
    phone: str = "",
    is_focal: bool = False,
) -> User:
    """Create one official's personal account (R-3.1, R-13.1).

    `actor` is the administrator who creates it, or None for the system (commands, demo data).
    """
    if actor is not None and not (actor.is_superuser or actor.role == User.Role.ADMIN):
        raise PermissionDenied("Chỉ quản trị hệ thống mới được tạo tài khoản cán bộ.")
    user_role_check(role=role, agency=agency)
    if agency is not None and not agency.is_active:
        raise ValidationError({"agency": f"{agency.name} đã ngừng hoạt động."}, code="agency_inactive")
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "Vui lòng nhập tên đăng nhập."}, code="required")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"Tên đăng nhập “{username}” đã được dùng."}, code="unique")
    last_name, first_name = _split_full_name(full_name)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=User.objects.normalize_email(email.strip()),
        phone=_normalize_staff_phone(phone),
        agency=agency,
        role=role,
        is_focal=is_focal,
    )
    user_apply_role_flags(user)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
