"""Similar reports near a place (issue 14, item 9): «is it one of these?» on the portal's form before
sending, and the same list on the console's case page so the IOC can link a duplicate to its original.

Public reports only (the public queryset: no state secret, no abusive report), as the public type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from pakn.org.models import Area, Category
from pakn.reports.models import OPEN_STATES, State
from pakn.reports.public import public_queryset
from pakn.reports.selectors import PublicReport, public_report

EARTH_KM = 6371.0


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, km: float) -> Q:
    dlat = km / 111.0
    dlng = km / (111.0 * max(0.1, math.cos(math.radians(lat))))
    return Q(
        latitude__gte=Decimal(str(round(lat - dlat, 6))),
        latitude__lte=Decimal(str(round(lat + dlat, 6))),
        longitude__gte=Decimal(str(round(lng - dlng, 6))),
        longitude__lte=Decimal(str(round(lng + dlng, 6))),
    )


@dataclass(frozen=True)
class Nearby:
    report: PublicReport
    distance_km: float | None


def nearby_similar_reports(
    *,
    category: Category,
    area: Area | None,
    latitude: float | None,
    longitude: float | None,
    now: datetime,
    radius_km: float = 1.0,
    days: int = 30,
    limit: int = 5,
    exclude: int | None = None,
) -> list[Nearby]:
    """Reports of the same category within `radius_km` of the pin or in the same commune ("is it one of
    these?"), nearest first: open ones sent in the last `days` days, and those resolved in the last `days`
    days (issue 14, item 9: a problem fixed last week may be the same one; the list marks them resolved)."""
    condition = Q(pk__in=[])
    if area is not None:
        condition |= Q(area=area)
    has_pin = latitude is not None and longitude is not None
    if has_pin:
        condition |= bounding_box(latitude, longitude, radius_km)  # type: ignore[arg-type]
    if area is None and not has_pin:
        return []
    candidates = list(
        public_queryset()
        .filter(condition, category=category)
        .filter(
            Q(state__in=OPEN_STATES, created_at__gte=now - timedelta(days=days))
            | Q(state=State.RESOLVED, resolved_at__gte=now - timedelta(days=days))
        )
        .exclude(pk__in=[exclude] if exclude is not None else [])
        .order_by("-created_at")[:100]
    )
    found: list[tuple[float, Nearby]] = []
    for r in candidates:
        distance = None
        if has_pin and r.latitude is not None and r.longitude is not None:
            distance = distance_km(latitude, longitude, float(r.latitude), float(r.longitude))  # type: ignore[arg-type]
        near = distance is not None and distance <= radius_km
        if near or (area is not None and r.area_id == area.pk):
            found.append(
                (
                    distance if distance is not None else radius_km * 10,
                    Nearby(public_report(r, now=now), distance),
                )
            )
    found.sort(key=lambda pair: pair[0])
    return [n for _d, n in found[:limit]]
