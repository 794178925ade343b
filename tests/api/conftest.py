"""Fixtures of the API tests: a client, bearer tokens for named staff, files, and a clean rate-limit cache."""

from __future__ import annotations

import io
import json
import secrets
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from pakn.api.models import ApiToken
from pakn.api.tokens import TOKEN_PREFIX, credential_stamp, token_hash
from pakn.org.models import User
from tests.conftest import VALID

API = "/api/v1"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Rate limits live in the cache; each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def bearer(user: User, *, days: int = 1) -> dict[str, str]:
    """Headers with a fresh device token of this user (issued directly; the login endpoint has its own tests)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        device_name="Máy thử",
        prefix=raw[:11],
        token_hash=token_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
        credential_stamp=credential_stamp(user),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def jpeg(name: str = "anh.jpg", size: tuple[int, int] = (32, 24)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def submission_form(**overrides: Any) -> dict[str, Any]:
    """A complete R-5.1 submission for POST /reports (multipart)."""
    data = {**VALID, "category": "ve-sinh-moi-truong", "area": "5977", **overrides}
    return {k: v for k, v in data.items() if v is not None}


def post_json(client: Client, path: str, data: Any, **headers: Any) -> Any:
    return client.post(f"{API}{path}", data=json.dumps(data), content_type="application/json", **headers)


def field_errors(response: Any) -> dict[str | None, str]:
    body = response.json()
    return {e["field"]: e["message"] for e in body["errors"]}


@pytest.fixture
def api(db: Any) -> Client:
    return Client()


@pytest.fixture
def journey(org: Any, submit: Any) -> Any:
    """Brings a report to any state of the workflow (the reports tests' helper)."""
    from tests.reports.conftest import Journey

    return Journey(org, submit)
