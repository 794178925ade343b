"""Open data: the signed audit checkpoints of the timeline, for anyone to keep and verify (docs/security.md).

`/du-lieu-mo/kiem-toan/` lists them (JSON), each is served as signed, and the public key is published, so a
journalist, an auditor or another authority can keep copies and later run `pakn audit verify --checkpoints`.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from pakn.reports.checkpoints import document, public_key_pem
from pakn.reports.models import AuditCheckpoint

CACHE = "public, max-age=300"


@require_GET
def checkpoint_index(request: HttpRequest) -> JsonResponse:
    rows = AuditCheckpoint.objects.order_by("number").values_list("number", "created_at")
    response = JsonResponse(
        {
            "about": "Mốc kiểm toán dòng thời gian phản ánh, ký Ed25519 (khóa công khai: public_key).",
            "public_key": request.build_absolute_uri(reverse("opendata:checkpoint_key")),
            "checkpoints": [
                {
                    "number": number,
                    "at": created_at.isoformat(),
                    "url": reverse("opendata:checkpoint", args=[number]),
                }
                for number, created_at in rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = CACHE
    return response


@require_GET
def checkpoint_detail(request: HttpRequest, number: int) -> JsonResponse:
    checkpoint = AuditCheckpoint.objects.filter(number=number).first()
    if checkpoint is None:
        raise Http404("Không có mốc kiểm toán này.")
    response = JsonResponse(document(checkpoint), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="pakn-kiem-toan-{number:06d}.json"'
    response["Cache-Control"] = CACHE
    return response


@require_GET
def checkpoint_key(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(public_key_pem(), content_type="application/x-pem-file")
    response["Cache-Control"] = CACHE
    return response
