"""Errors of the REST API as RFC 7807 problem details: a Vietnamese title and detail, a machine code, fields.

Workflow refusals, Django validation errors, input validation, authentication, rate limits and idempotency
conflicts all end here, so every client handles one shape (`application/problem+json`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from pakn.core import idempotency
from pakn.reports.services import ImproperlyConfiguredError
from pakn.reports.workflow import ActionRefused, InvalidTransition, StaleReport, WorkflowError

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa đăng nhập hoặc mã truy cập không hợp lệ",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột trạng thái",
    422: "Dữ liệu không hợp lệ",
    413: "Nội dung quá lớn",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi hệ thống",
    503: "Hệ thống chưa sẵn sàng",
}


class FieldError(Schema):
    field: str | None = Field(
        description="The input field, dotted for nested ones; null for an error of the whole request",
        examples=["reporter_phone"],
    )
    message: str = Field(examples=["Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678."])
    code: str = Field(examples=["invalid_phone"])


class Problem(Schema):
    """RFC 7807 problem details, with a machine-readable `code` and the fields at fault."""

    type: str = Field(examples=["urn:pakn:problem:validation_error"])
    title: str = Field(examples=["Dữ liệu không hợp lệ"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["Vui lòng kiểm tra các trường được nêu."])
    code: str = Field(examples=["validation_error"])
    errors: list[FieldError] = Field(default_factory=list)


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {
        "type": f"urn:pakn:problem:{code}",
        "title": TITLES.get(status, TITLES[400] if status < 500 else TITLES[500]),
        "status": status,
        "detail": detail,
        "code": code,
        "errors": errors or [],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- Input validation (pydantic) in Vietnamese ---------------------------------------------------------

_SOURCES = {"body", "form", "query", "path", "header", "cookie", "file"}
_PARAM_NAMES = {"payload", "filters", "data"}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in _PARAM_NAMES:
        parts = parts[1:]
    return ".".join(parts) or None


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "Trường này là bắt buộc."
    if kind == "string_too_long":
        return f"Tối đa {ctx.get('max_length')} ký tự."
    if kind == "string_too_short":
        return (
            "Vui lòng nhập nội dung."
            if ctx.get("min_length") == 1
            else f"Tối thiểu {ctx.get('min_length')} ký tự."
        )
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Phải là số nguyên."
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return "Phải là số."
    if kind in ("bool_parsing", "bool_type"):
        return "Phải là true hoặc false."
    if kind in ("string_type", "string_unicode"):
        return "Phải là chuỗi ký tự."
    if kind in ("list_type", "too_short", "too_long"):
        return "Danh sách không hợp lệ."
    if kind in ("literal_error", "enum"):
        return f"Giá trị không hợp lệ; chọn một trong: {ctx.get('expected', '')}."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Phải lớn hơn hoặc bằng {ctx.get('ge', ctx.get('gt'))}."
    if kind in ("less_than_equal", "less_than"):
        return f"Phải nhỏ hơn hoặc bằng {ctx.get('le', ctx.get('lt'))}."
    if kind.startswith(("datetime", "date")):
        return "Ngày giờ không hợp lệ (định dạng ISO 8601, ví dụ 2026-03-02T08:00:00+07:00)."
    if kind == "json_invalid":
        return "Nội dung JSON không hợp lệ."
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "Nội dung phải là một đối tượng JSON."
    if kind == "value_error":
        return str(ctx.get("error", "")) or "Giá trị không hợp lệ."
    return "Giá trị không hợp lệ."


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"field": _field_name(e.get("loc", ())), "message": _message(e), "code": e.get("type", "invalid")}
        for e in errors
    ]


def django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {
                "field": None if name == "__all__" else name,
                "message": message,
                "code": error.code or "invalid",
            }
            for name, error_list in exc.error_dict.items()
            for error in error_list
            for message in error.messages
        ]
    return [
        {"field": None, "message": message, "code": error.code or "invalid"}
        for error in exc.error_list
        for message in error.messages
    ]


# --- Handlers ------------------------------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Map every error the API can raise to a problem response.

    Long by design: one short handler per error type and their table, read together (issue 12)."""

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = validation_errors(list(exc.errors))
        return problem(422, "validation_error", "Vui lòng kiểm tra các trường được nêu.", errors=errors)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = django_errors(exc)
        if any(e["code"] == "barred" for e in errors):
            return problem(403, "reporter_barred", errors[0]["message"])
        fields = [e for e in errors if e["field"]]
        detail = errors[0]["message"] if len(errors) == 1 else "Vui lòng kiểm tra các trường được nêu."
        return problem(422, "validation_error" if fields else errors[0]["code"], detail, errors=errors)

    def on_workflow(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
        status = 403 if isinstance(exc, ActionRefused) else 409
        return problem(status, exc.code, exc.message)

    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            401,
            "unauthorized",
            "Thiếu hoặc sai mã truy cập. Gửi tiêu đề «Authorization: Bearer <mã>» nhận được khi đăng nhập.",
            headers={"WWW-Authenticate": 'Bearer realm="pakn"'},
        )

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, int(exc.wait or 60))
        return problem(
            429,
            "rate_limited",
            f"Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau {wait} giây.",
            headers={"Retry-After": str(wait)},
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse"):
            return problem(
                400,
                "invalid_body",
                "Không đọc được nội dung yêu cầu: hãy gửi JSON (Content-Type: application/json) hoặc "
                "multipart/form-data như tài liệu API mô tả.",
            )
        code = "forbidden" if exc.status_code == 403 else "http_error"
        return problem(exc.status_code, code, str(exc))

    def on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, "not_found", "Không tìm thấy đối tượng được yêu cầu.")

    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, "forbidden", str(exc) or "Bạn không có quyền thực hiện thao tác này.")

    def on_key_invalid(request: HttpRequest, exc: idempotency.KeyInvalid) -> HttpResponse:
        return problem(
            400,
            "invalid_idempotency_key",
            "Tiêu đề Idempotency-Key phải dài 8–255 ký tự, chỉ gồm chữ cái, chữ số và - _ . : (ví dụ một UUID).",
            errors=[{"field": "Idempotency-Key", "message": "Giá trị không hợp lệ.", "code": "invalid"}],
        )

    def on_body_unreadable(request: HttpRequest, exc: idempotency.BodyUnreadable) -> HttpResponse:
        return problem(400, "invalid_body", "Không đọc được nội dung multipart/form-data của yêu cầu.")

    def on_key_reused(request: HttpRequest, exc: idempotency.KeyReused) -> HttpResponse:
        return problem(
            422,
            "idempotency_key_reused",
            "Idempotency-Key này đã được dùng cho một yêu cầu khác. Mỗi yêu cầu mới cần một khóa mới.",
        )

    def on_not_configured(request: HttpRequest, exc: ImproperlyConfiguredError) -> HttpResponse:
        return problem(503, "not_configured", str(exc))

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return problem(
            413, "payload_too_large", f"Nội dung yêu cầu quá lớn (tối đa {limit} MB, không kể tệp đính kèm)."
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return problem(500, "server_error", "Đã có lỗi hệ thống. Vui lòng thử lại sau ít phút.")

    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        Exception: on_unexpected,
        NinjaValidationError: on_ninja_validation,
        DjangoValidationError: on_django_validation,
        WorkflowError: on_workflow,
        InvalidTransition: on_workflow,
        StaleReport: on_workflow,
        ActionRefused: on_workflow,
        AuthenticationError: on_auth,
        Throttled: on_throttled,
        HttpError: on_http_error,
        Http404: on_404,
        PermissionDenied: on_denied,
        idempotency.KeyInvalid: on_key_invalid,
        idempotency.KeyReused: on_key_reused,
        idempotency.BodyUnreadable: on_body_unreadable,
        ImproperlyConfiguredError: on_not_configured,
        RequestDataTooBig: on_too_big,
        TooManyFieldsSent: on_too_big,
        TooManyFilesSent: on_too_big,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)
