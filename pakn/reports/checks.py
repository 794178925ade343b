"""Checks on what a reporter gives and on the reporter: identity, place, bans and abuse (R-5.1, R-15.2).

Used by submission (`services`) and by the workflow's effects (supplement, bar_reporter) alike.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy

from pakn.core.crypto import lookup_hash
from pakn.org.models import Area, Category
from pakn.reports.limits import text_errors
from pakn.reports.models import Channel, Report, ReporterBan
from pakn.reports.validators import normalize_id_number, normalize_phone

# How a reporter is known: each identifier's field, its keyed look-up hash column, the hash's kind
# (pakn.core.crypto.lookup_hash) and its normaliser.
IDENTIFIERS: tuple[tuple[str, str, str, Callable[[str], str]], ...] = (
    ("reporter_phone", "phone_hash", "phone", normalize_phone),
    ("reporter_id_number", "id_number_hash", "id", normalize_id_number),
)


def reporter_identity_changes(*, phone: str | None, id_number: str | None) -> dict[str, str]:
    """Validated phone and ID number with their keyed look-up hashes (only those given)."""
    changes: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for value, (field, hash_field, kind, normalize) in zip((phone, id_number), IDENTIFIERS, strict=True):
        if not value:
            continue
        try:
            normalized = normalize(value)
        except ValidationError as e:
            errors[field] = e.messages
            continue
        changes[field] = normalized
        changes[hash_field] = lookup_hash(kind, normalized)
    if errors:
        raise ValidationError(errors)
    return changes


# --- Submission (R-5.1, R-15.2) ---------------------------------------------------------------------------


def submission_errors(
    texts: dict[str, str],
    *,
    category: Category | None,
    channel: str,
    located: bool,
    declared_truthful: bool,
    allow_incomplete: bool,
) -> dict[str, list[str]]:
    """The form's errors: lengths and control characters first, the same for every surface
    (pakn.reports.limits), then what is required (R-5.1) unless `allow_incomplete`."""
    errors: dict[str, list[str]] = text_errors(texts)
    if not (texts["content"] or "").strip() and "content" not in errors:
        errors["content"] = ["Vui lòng nhập nội dung phản ánh."]
    if category is None or not category.is_active:
        errors["category"] = ["Vui lòng chọn lĩnh vực."]
    if channel not in Channel.values:
        errors["channel"] = ["Kênh gửi không hợp lệ."]
    if allow_incomplete:
        return errors
    if not texts["reporter_name"].strip():
        errors["reporter_name"] = ["Vui lòng nhập họ và tên."]
    if not texts["reporter_address"].strip():
        errors["reporter_address"] = ["Vui lòng nhập địa chỉ liên hệ."]
    if not located:
        errors["address_text"] = ["Vui lòng cho biết nơi xảy ra sự việc."]
    if not declared_truthful:
        errors["declared_truthful"] = [
            "Vui lòng cam kết thông tin phản ánh là trung thực (theo Điều 5 Quy chế)."
        ]
    if not texts["reporter_phone"].strip():
        errors["reporter_phone"] = ["Vui lòng nhập số điện thoại."]
    if not texts["reporter_id_number"].strip():
        errors["reporter_id_number"] = ["Vui lòng nhập số định danh cá nhân (12 chữ số)."]
    return errors


def submission_identity(phone: str, id_number: str, errors: dict[str, list[str]]) -> dict[str, str]:
    """The reporter's phone and ID number checked and hashed for the report, their errors added to `errors`."""
    try:
        return reporter_identity_changes(phone=phone.strip(), id_number=id_number.strip())
    except ValidationError as e:
        for name, messages in e.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return {}


def refuse_barred(identity: dict[str, str]) -> None:
    """R-15.2: a barred reporter's phone or ID number cannot submit."""
    if is_barred(
        phone_hash=identity.get("phone_hash", ""), id_number_hash=identity.get("id_number_hash", "")
    ):
        raise ValidationError(
            "Số điện thoại hoặc số định danh này đã bị hạn chế gửi phản ánh do nhiều lần phản ánh sai sự thật "
            "(theo Điều 15 Quy chế). Vui lòng liên hệ Trung tâm IOC nếu cần trao đổi.",
            code="barred",
        )


def place_errors(*, latitude: Any, longitude: Any, area: Area | None) -> dict[str, list[str]]:
    """What is wrong with a place: coordinates in pairs and on earth, the area a commune (R-5.1)."""
    errors: dict[str, list[str]] = {}
    if (latitude in (None, "")) != (longitude in (None, "")):
        errors["latitude"] = ["Vui lòng nhập đủ vĩ độ và kinh độ."]
    elif latitude not in (None, ""):
        try:
            lat, lng = float(latitude), float(longitude)
        except (TypeError, ValueError):
            errors["latitude"] = ["Tọa độ không hợp lệ."]
        else:
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                errors["latitude"] = ["Tọa độ không hợp lệ."]
    if area is not None and (not isinstance(area, Area) or area.kind != Area.Kind.COMMUNE):
        errors["area"] = ["Vui lòng chọn xã, phường nơi xảy ra sự việc."]
    return errors


def place_changes(*, address_text: Any, latitude: Any, longitude: Any, area: Area | None) -> dict[str, Any]:
    """The validated place fields that were given (for a supplement), or a ValidationError."""
    errors = place_errors(latitude=latitude, longitude=longitude, area=area)
    if errors:
        raise ValidationError(errors)
    changes: dict[str, Any] = {}
    if address_text not in (None, ""):
        changes["address_text"] = str(address_text).strip()[:300]
    if latitude not in (None, ""):
        changes["latitude"] = coordinate(float(latitude))
        changes["longitude"] = coordinate(float(longitude))
    if area is not None:
        changes["area"] = area
    return changes


# What requires of a report (Điều 5 Quy chế), with the words the console shows when it is missing.
REQUIRED_INFORMATION: tuple[tuple[str, Any], ...] = (
    ("reporter_name", gettext_lazy("họ và tên người phản ánh")),
    ("reporter_address", gettext_lazy("địa chỉ liên hệ")),
    ("reporter_phone", gettext_lazy("số điện thoại")),
    ("reporter_id_number", gettext_lazy("số định danh cá nhân")),
    ("place", gettext_lazy("nơi xảy ra sự việc")),
)


def missing_information(report: Report) -> list[str]:
    """The R-5.1 items a report lacks (an Open311 or anonymous report may lack several), by field name."""
    missing = [name for name, _ in REQUIRED_INFORMATION[:4] if not str(getattr(report, name) or "").strip()]
    if not (report.address_text.strip() or report.area_id or report.latitude is not None):
        missing.append("place")
    return missing


def missing_information_text(report: Report) -> str:
    """'họ và tên người phản ánh, số điện thoại' — what is missing, in words; empty when complete."""
    labels = dict(REQUIRED_INFORMATION)
    return ", ".join(str(labels[name]) for name in missing_information(report))


def same_reporter(*, phone_hash: str, id_number_hash: str) -> Q:
    """Rows (reports or bans) of the reporter with this phone or this ID number, by their keyed hashes."""
    condition = Q(pk__in=[])
    if phone_hash:
        condition |= Q(phone_hash=phone_hash)
    if id_number_hash:
        condition |= Q(id_number_hash=id_number_hash)
    return condition


def is_barred(*, phone_hash: str, id_number_hash: str) -> bool:
    condition = same_reporter(phone_hash=phone_hash, id_number_hash=id_number_hash)
    return ReporterBan.objects.filter(condition, lifted_at__isnull=True).exists()


def abusive_count_for(*, phone_hash: str, id_number_hash: str) -> int:
    """How many reports of this reporter (by phone or ID hash) were marked abusive (R-15.2)."""
    condition = same_reporter(phone_hash=phone_hash, id_number_hash=id_number_hash)
    return Report.objects.filter(condition, is_abusive=True).count()


def coordinate(value: Decimal | float | None) -> Decimal | None:
    """A latitude or longitude as stored: six decimals (about 10 cm)."""
    return None if value is None else Decimal(str(round(float(value), 6)))
