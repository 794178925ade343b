"""A bare Django application for bench/http_bench.py: the ceiling of the stack (Django + gunicorn, no
database, no middleware). GET returns a fixed JSON list of 50 requests shaped like Open311's; POST reads the
form and answers 201 with one. Served exactly as pakn is (gunicorn, 2 sync workers)."""

from __future__ import annotations

import json

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-a-secret-0123456789abcdef",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
)

import django  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

django.setup()

ITEM = {
    "service_request_id": "K7MP-4QX9",
    "status": "open",
    "status_notes": "Chờ tiếp nhận",
    "service_name": "Vệ sinh môi trường",
    "service_code": "ve-sinh-moi-truong",
    "description": "Rác thải đổ trộm bên đường Trần Đăng Ninh",
    "agency_responsible": "Trung tâm IOC",
    "service_notice": None,
    "requested_datetime": "2026-12-01T12:00:00+07:00",
    "updated_datetime": "2026-12-01T12:00:00+07:00",
    "expected_datetime": "2026-12-01T13:00:00+07:00",
    "address": "Phường Lương Văn Tri",
    "address_id": "06022",
    "zipcode": None,
    "lat": 21.853,
    "long": 106.761,
    "media_url": None,
}
PAGE = json.dumps([ITEM] * 50, ensure_ascii=False).encode()


@csrf_exempt
def requests_json(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        body = [{"service_request_id": "K7MP-4QX9", "service_notice": request.POST.get("description", "")}]
        return HttpResponse(json.dumps(body), status=201, content_type="application/json")
    return HttpResponse(PAGE, content_type="application/json")


urlpatterns = [path("open311/v2/requests.json", requests_json)]
application = WSGIHandler()
