"""Commune boundaries: the administrator's GeoJSON import (a service) and the commune of a point.

Without boundaries pakn never guesses a commune from a point: the citizen chooses and the IOC reads the
place. With them, a point is placed by point-in-polygon (shapely), which pre-selects the commune on the
report form and names the IOC's suggested agency (R-7.2).

The GeoJSON file is a FeatureCollection of Polygon or MultiPolygon features in WGS 84 (longitude, latitude);
each feature names its area by code (a property `code`, `ma`, `ma_xa` or `MA_XA`) or, failing that, by name
(`name`, `ten`, `ten_xa` or `TEN_XA`, compared without case or extra spaces). docs/guides/admin.md says how to
get such a file.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from pakn.core.collation import vietnamese_sorted
from pakn.org.models import Area, AreaBoundary, User

CODE_KEYS = ("code", "ma", "ma_xa", "MA_XA", "Ma_xa", "MaXa")
NAME_KEYS = ("name", "ten", "ten_xa", "TEN_XA", "Ten_xa", "TenXa")
MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 20


@dataclass
class BoundaryImport:
    """What an import did, for the administrator's screen and the command's output."""

    imported: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = [f"Đã nhập ranh giới của {len(self.imported)} đơn vị hành chính."]
        if self.unmatched:
            lines.append(
                f"{len(self.unmatched)} vùng không khớp đơn vị nào đang dùng (bỏ qua): "
                + ", ".join(self.unmatched[:MAX_ERRORS])
                + ("…" if len(self.unmatched) > MAX_ERRORS else "")
            )
        return lines


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def _first(properties: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = properties.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _geometry(raw: Any, where: str) -> BaseGeometry:
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(f"{where}: ranh giới phải là Polygon hoặc MultiPolygon.")
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError) as e:
        raise ValidationError(f"{where}: tọa độ không đọc được ({e}).") from e
    if geometry.is_empty:
        raise ValidationError(f"{where}: ranh giới rỗng.")
    lng_min, lat_min, lng_max, lat_max = geometry.bounds
    if not (-180 <= lng_min <= lng_max <= 180 and -90 <= lat_min <= lat_max <= 90):
        raise ValidationError(f"{where}: tọa độ phải là kinh độ, vĩ độ (WGS 84).")
    if not geometry.is_valid:
        geometry = geometry.buffer(0)  # self-touching rings drawn by hand: repaired, same area
    return geometry


def _features(data: bytes) -> list[dict[str, Any]]:
    if len(data) > MAX_BYTES:
        raise ValidationError(f"Tệp quá lớn: tối đa {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValidationError(f"Tệp không phải GeoJSON hợp lệ: {e}.") from e
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ValidationError("Tệp GeoJSON phải là một FeatureCollection.")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError("Tệp GeoJSON không có vùng nào (features rỗng).")
    return features


def boundaries_import(*, data: bytes, actor: User | None, source: str = "") -> BoundaryImport:
    """Replace the boundaries of the active areas the file names; all or nothing.

    A feature that names no active area is reported and skipped; a feature with a broken geometry stops
    the whole import (with every problem listed), so a half-imported map never places points.
    """
    areas = list(Area.objects.filter(is_active=True))
    by_code = {a.code: a for a in areas}
    by_name: dict[str, Area] = {}
    for a in areas:
        by_name.setdefault(_normal(a.name), a)
    result = BoundaryImport()
    found: dict[int, tuple[Area, BaseGeometry]] = {}
    problems: list[str] = []
    for i, feature in enumerate(_features(data), start=1):
        properties = (feature or {}).get("properties") or {}
        code, name = _first(properties, CODE_KEYS), _first(properties, NAME_KEYS)
        where = f"Vùng thứ {i} ({name or code or 'không tên'})"
        area = by_code.get(code) or by_name.get(_normal(name))
        if area is None:
            result.unmatched.append(name or code or f"#{i}")
            continue
        try:
            found[area.pk] = (area, _geometry((feature or {}).get("geometry"), where))
        except ValidationError as e:
            problems.extend(e.messages)
    if problems:
        raise ValidationError(problems[:MAX_ERRORS])
    if not found:
        raise ValidationError("Không vùng nào trong tệp khớp với mã hoặc tên đơn vị hành chính đang dùng.")
    now = timezone.now()
    with transaction.atomic():
        AreaBoundary.objects.filter(area_id__in=list(found)).delete()
        AreaBoundary.objects.bulk_create(
            [
                AreaBoundary(
                    area=area,
                    geometry=geometry.__geo_interface__,
                    min_lng=geometry.bounds[0],
                    min_lat=geometry.bounds[1],
                    max_lng=geometry.bounds[2],
                    max_lat=geometry.bounds[3],
                    source=source[:200],
                    imported_at=now,
                    imported_by=actor,
                )
                for area, geometry in found.values()
            ]
        )
    result.imported = vietnamese_sorted(area.name for area, _g in found.values())
    return result


@functools.lru_cache(maxsize=2048)
def _prepared(pk: int, imported_at: datetime) -> PreparedGeometry:
    """A boundary's prepared geometry, cached per process until it is imported again."""
    return prep(shape(AreaBoundary.objects.values_list("geometry", flat=True).get(pk=pk)))


def commune_at(latitude: float, longitude: float) -> Area | None:
    """The active commune whose imported boundary covers the point, or None (no boundary, or outside all)."""
    candidates = (
        AreaBoundary.objects.filter(
            area__kind=Area.Kind.COMMUNE,
            area__is_active=True,
            min_lat__lte=latitude,
            max_lat__gte=latitude,
            min_lng__lte=longitude,
            max_lng__gte=longitude,
        )
        .select_related("area")
        .order_by("pk")
    )
    point = Point(longitude, latitude)
    for boundary in candidates:
        if _prepared(boundary.pk, boundary.imported_at).covers(point):
            return boundary.area
    return None


def has_boundaries() -> bool:
    return AreaBoundary.objects.filter(area__is_active=True, area__kind=Area.Kind.COMMUNE).exists()
