"""Fixtures of the Open311 tests: the official schemas in a referencing registry, a client key, XML helpers."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from django.core.cache import cache
from django.test import Client
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from pakn.open311.services import client_create

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "/open311/v2"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        resources.append(
            (
                path.name,
                Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012),
            )
        )
    return Registry().with_resources(resources)


REGISTRY = _registry()
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339: a full date and time with an offset (the checkers shipped with jsonschema lack it)."""
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None and "T" in value


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme in ("http", "https") and parts.netloc)


def validate(document: Any, schema_name: str) -> None:
    """Validate against one of the schema files, following its $refs through the registry, formats checked."""
    schema = REGISTRY.contents(schema_name)
    validator = jsonschema.Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def xml_root(response: Any, tag: str) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(response.content)
    assert root.tag == tag
    return root


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    assert found is not None, tag
    return found.text or ""


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def o311(db: Any) -> Client:
    return Client()


@pytest.fixture
def api_key(db: Any) -> str:
    _, key = client_create(name="Ứng dụng thử nghiệm", organisation="Thành phố bạn")
    return key
