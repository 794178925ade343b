"""The REST API v1 (django-ninja): its routers, its error format and its OpenAPI document at /api/v1/."""

from __future__ import annotations

import copy
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from pakn.api import problems
from pakn.api.follow import router as follow_router
from pakn.api.notifications import router as notifications_router
from pakn.api.public import reporter_router
from pakn.api.public import router as public_router
from pakn.api.staff import auth_router
from pakn.api.staff import router as staff_router
from pakn.core import province

DESCRIPTION = """\
API của hệ thống tiếp nhận và xử lý phản ánh, kiến nghị {province}, dùng cho ứng dụng di động của người
dân (gửi phản ánh, theo dõi bằng mã bí mật) và của cán bộ (hộp việc, xử lý theo quy trình của Quy chế ban hành
kèm {regulation}).

* Errors are RFC 7807 problem details (`application/problem+json`) with a Vietnamese `title`/`detail`, a
  machine-readable `code` and, for invalid input, `errors` naming each field.
* Every POST accepts an `Idempotency-Key` header: a retry with the same key and body returns the first
  response and never repeats the effect.
* Staff endpoints need `Authorization: Bearer <token>` from `POST /auth/token`; the reporter's follow-up
  endpoints need `X-Report-Secret: <secret>` from the submission's response.
* Public responses never carry personal data. Guide with curl examples: docs/api.md.
"""


class LocalSwagger(DocsBase):
    """Swagger UI from our own static files (npm swagger-ui-dist): nothing is loaded from a CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        settings = {"url": openapi_url, "layout": "BaseLayout", "deepLinking": True, "tryItOutEnabled": False}
        context = {
            "api": api,
            "title": province.api_title(),
            "openapi_url": openapi_url,
            "swagger_settings": json.dumps(settings),
        }
        return render(request, "api/docs.html", context)


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
ERROR_DESCRIPTIONS = {
    400: "Malformed request (e.g. an invalid Idempotency-Key)",
    401: "Missing or invalid credentials",
    403: "Not allowed for this user",
    404: "Not found, or not visible to this user",
    409: "The action does not fit the case's current state, or the case changed meanwhile",
    422: "Invalid input: `errors` names the fields",
    429: "Too many requests: see Retry-After",
}


class PaknAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares the problem responses and the Idempotency-Key header."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # The province is a setting: name it when the document is built, not when this module was imported.
        schema["info"]["title"] = province.api_title()
        schema["info"]["description"] = DESCRIPTION.format(
            province=province.province_label(), regulation=province.regulation_short()
        )
        schema["info"]["contact"] = {"name": province.api_contact()}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                _declare_errors(path, method, operation)
        return schema


def _declare_errors(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = {str(k): v for k, v in operation.get("responses", {}).items()}
    secured = bool(operation.get("security"))
    codes = {422, 429}
    if secured:
        codes |= {401, 403, 404}
    if "{" in path:
        codes.add(404)
    if method == "post":
        codes |= {400, 403, 409}
    for code in codes:
        responses.setdefault(str(code), {"description": ERROR_DESCRIPTIONS[code]})
    for key, response in responses.items():
        if key.isdigit() and int(key) >= 400:
            response["content"] = {problems.PROBLEM_CONTENT_TYPE: {"schema": copy.deepcopy(PROBLEM_REF)}}
            if key == "429":
                response["headers"] = {
                    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
                }
    operation["responses"] = dict(sorted(responses.items()))


api = PaknAPI(
    title="PAKN",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=LocalSwagger(),
)
problems.install(api)
api.add_router("/", public_router)
api.add_router("/", follow_router)
api.add_router("/my", reporter_router)
api.add_router("/auth", auth_router)
api.add_router("/staff", staff_router)
api.add_router("/staff/notifications", notifications_router)
