"""The home page's "Gần tôi" (issue 14, item 12): public reports near the phone's position, rounded first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from pakn.portal import selectors
from pakn.reports.freshness import cached_public_response


@require_GET
@gzip_page
@cache_control(public=True, max_age=60)
def map_near(request: HttpRequest) -> HttpResponse:
    """Public reports near a point (the home page's "Gần tôi"): the point is rounded to two decimals (about
    a kilometre) before anything else, so the server never keeps a precise position and answers are shared."""
    try:
        lat = round(float(request.GET.get("lat", "")), 2)
        lng = round(float(request.GET.get("lng", "")), 2)
    except ValueError:
        return JsonResponse({"error": _("Vị trí không hợp lệ.")}, status=400)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return JsonResponse({"error": _("Vị trí không hợp lệ.")}, status=400)

    def build() -> HttpResponse:
        data = selectors.near_points(lat, lng)
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    return cached_public_response(request, namespace=f"portal:near:{lat:.2f},{lng:.2f}", build=build)
