"""GeoReport v2 documents in JSON and XML, with the element names of the specification, and its errors."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

from pakn.reports.limits import strip_control

# The element name of each list's items in the specification's XML.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value) or ""
    # Characters XML 1.0 cannot carry would make the whole feed invalid (text stored before they were refused).
    return strip_control(str(value))


def iso(moment: datetime | None) -> str | None:
    """W3C date-time in local time with its offset, to the second (the specification's format)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _element(tag: str, value: Any) -> ET.Element:
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            node.append(_element(key, child))
    elif isinstance(value, list):
        item_tag = ITEM_TAGS[tag]
        for child in value:
            node.append(_element(item_tag, child))
    else:
        node.text = _text(value)
    return node


def to_xml(root: str, value: Any) -> bytes:
    return ET.tostring(_element(root, value), encoding="utf-8", xml_declaration=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return iso(value)
    return value


def respond(value: Any, fmt: str, root: str, *, status: int = 200) -> HttpResponse:
    """`value` in the requested format; `root` names the XML document element (services, service_requests…)."""
    body = to_xml(root, value) if fmt == "xml" else json.dumps(_jsonable(value), ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(
    status: int, descriptions: list[str], fmt: str, *, headers: dict[str, str] | None = None
) -> HttpResponse:
    """The specification's error document: a list of {code, description}."""
    response = respond(
        [{"code": status, "description": d} for d in descriptions], fmt, "errors", status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
