"""The staff API's workflow actions, derived from the action specs (pakn.reports.actions): one endpoint
POST /staff/cases/{case_id}/<api_path> and one input schema per action (the marks share one, chosen by
`mark`), with the limits of the spec. Nothing here names an action: a new spec gets its endpoint. An action
whose files the effect stores (`Kind.UPLOADS`: staff media) takes multipart/form-data at its own endpoint in
pakn.api.staff; an image input (`Kind.IMAGE`) is not part of the JSON input (the console takes it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, create_model

from pakn.api.common import idempotent, staff_of, staff_scope
from pakn.org.models import Agency, User
from pakn.reports import services
from pakn.reports.action_spec import READER_TEXTS
from pakn.reports.actions import SPECS_IN_ORDER, ActionSpec, Input, Kind
from pakn.reports.models import Report
from pakn.reports.selectors import report_get_for
from pakn.reports.workflow import StaleReport

__all__ = ["by_code", "register_actions", "staff_action_paths", "takes_json"]


def by_code(model: Any, code: str | None, field: str, message: str, **extra: Any) -> Any:
    """The row with this code, None for no code; an unknown code is the input's error."""
    if not code:
        return None
    found = model.objects.filter(code=code, **extra).first()
    if found is None:
        raise ValidationError({field: message})
    return found


def _officer(user_id: int) -> User:
    officer = User.objects.filter(pk=user_id).select_related("agency").first()
    if officer is None:
        raise ValidationError({"officer": "Không tìm thấy cán bộ này."})
    return officer


def _departments(codes: list[str]) -> list[Agency]:
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"departments": f"Không tìm thấy cơ quan: {', '.join(missing)}."})
    return [found[c] for c in dict.fromkeys(codes)]


# What an input of each kind is in JSON, and how it becomes the effect's parameter.
RESOLVE: dict[Kind, Callable[[Any], Any]] = {
    Kind.AGENCY: lambda code: by_code(Agency, code, "agency", "Cơ quan không tồn tại.", is_active=True),
    Kind.OFFICER: _officer,
    Kind.DEPARTMENTS: _departments,
}


def _schema_field(item: Input) -> tuple[Any, Any] | None:
    """The pydantic field of one input: the same limits as the console's form field."""
    # Who reads a text (issue 14, item 2) is part of its description, as on the console's form.
    texts = (item.help if isinstance(item.help, str) else "", READER_TEXTS.get(item.readers, ""))
    about = " ".join(t for t in texts if t) or None
    if item.kind in (Kind.TEXT, Kind.LINE):
        if item.required:
            return str, Field(min_length=1, max_length=item.max_length, description=about)
        return str, Field("", max_length=item.max_length, description=about)
    if item.kind == Kind.CHOICE:
        codes = Literal[tuple(code for code, _label in item.choices)]  # type: ignore[valid-type]
        return codes, Field(... if item.required else item.default, description=about)
    if item.kind in (Kind.FLAG, Kind.TOGGLE):
        return bool, Field(bool(item.default), description=about)
    if item.kind == Kind.AGENCY:
        return str | None, Field(None, description="Agency code; default: the commune where it happened")
    if item.kind == Kind.OFFICER:
        return int, Field(description="The officer's id (GET /staff/officers)")
    if item.kind == Kind.DEPARTMENTS:
        return list[str], Field(min_length=1, description="Department codes (GET /staff/agencies)")
    if item.kind == Kind.STAFF_MEDIA:
        return list[int], Field(
            min_length=1,
            max_length=settings.PAKN_MAX_ATTACHMENTS,
            description="Ids of staff photos not public yet (`attachments` of the case)",
        )
    if item.kind == Kind.PUBLIC_IMAGE:
        return int, Field(description="The id of an image of the case (`attachments` of the case)")
    return None  # files: multipart endpoints (POST …/attachments), images: the console


def input_schema(path: str, specs: list[ActionSpec]) -> type[Schema]:
    """The input schema of an endpoint; several actions behind one endpoint are told apart by `mark`."""
    fields: dict[str, Any] = {
        "version": (
            int | None,
            Field(None, ge=0, description="The case's version as seen; 409 if it changed"),
        )
    }
    if len(specs) > 1:
        fields["mark"] = (Literal[tuple(s.api_key for s in specs)], Field(...))  # type: ignore[misc]
    for item in specs[0].inputs:
        field = _schema_field(item)
        if field is not None:
            fields[item.name] = field
    name = "".join(part.title() for part in path.split("-")) + "In"
    return create_model(name, __base__=Schema, **fields)  # type: ignore[call-overload,no-any-return]


def _params(spec: ActionSpec, payload: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in spec.inputs:
        if item.kind in (Kind.FILES, Kind.UPLOADS, Kind.IMAGE):
            continue
        value = getattr(payload, item.name)
        out[item.name] = RESOLVE[item.kind](value) if item.kind in RESOLVE else value
    return out


def takes_json(spec: ActionSpec) -> bool:
    """Whether the action's endpoint is derived here (JSON); files it stores need a multipart endpoint."""
    return bool(spec.api_path) and not any(i.kind == Kind.UPLOADS for i in spec.inputs)


def staff_action_paths() -> dict[str, list[ActionSpec]]:
    """Each JSON endpoint's path and the actions behind it, in the table's order."""
    paths: dict[str, list[ActionSpec]] = {}
    for spec in SPECS_IN_ORDER:
        if takes_json(spec):
            paths.setdefault(spec.api_path, []).append(spec)
    return paths


Respond = Callable[[HttpRequest, Report, User], Any]


def register_actions(
    router: Router, respond: Respond, out: type[Schema], openapi_extra: dict[str, Any]
) -> None:
    """Register POST /cases/{case_id}/<path> for every staff action: act, then answer with the case."""
    for path, specs in staff_action_paths().items():
        _register(router, path, specs, respond, out, openapi_extra)


def _register(
    router: Router,
    path: str,
    specs: list[ActionSpec],
    respond: Respond,
    out: type[Schema],
    openapi_extra: dict[str, Any],
) -> None:
    schema = input_schema(path, specs)
    by_key = {s.api_key: s for s in specs}

    def view(request: HttpRequest, case_id: int, payload: Any) -> Any:
        user = staff_of(request)
        report = report_get_for(user, case_id)
        if payload.version is not None and payload.version != report.version:
            raise StaleReport("Vụ việc vừa được người khác cập nhật. Vui lòng tải lại và thử lại.")
        spec = by_key[payload.mark] if len(specs) > 1 else specs[0]
        services.report_act(report=report, action=spec.action, actor=user, **_params(spec, payload))
        return 200, out(**respond(request, report_get_for(user, report.pk), user))

    view.__name__ = f"case_{path.replace('-', '_')}"
    view.__annotations__ = {"request": HttpRequest, "case_id": int, "payload": schema, "return": Any}
    router.post(
        f"/cases/{{case_id}}/{path}",
        response={200: out},
        summary=specs[0].summary,
        openapi_extra=openapi_extra,
    )(idempotent(staff_scope)(view))
