"""Health and metrics endpoints for load balancers and monitoring (not for the public)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from pakn.ops.access import operations_allowed
from pakn.ops.health import readiness
from pakn.ops.metrics import exposition


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Reveals nothing, so anyone may ask."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: every dependency answers and the work is not piling up (503 otherwise)."""
    if not operations_allowed(request):
        raise Http404
    checks = readiness()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not operations_allowed(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
