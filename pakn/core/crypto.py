"""Personal data at rest: Fernet encryption with key rotation and a keyed hash for exact look-ups (R-3.2)."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.DATA_KEYS))


def encrypt(text: str) -> str:
    if not text:
        return ""
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as e:
        raise ValueError("personal data cannot be decrypted with the configured PAKN_DATA_KEY") from e


def rotate(token: str) -> str:
    """Re-encrypt a stored value with the first (newest) key."""
    if not token:
        return ""
    return fernet().rotate(token.encode()).decode()


def lookup_hash(kind: str, normalized: str) -> str:
    """HMAC-SHA256 of a normalized phone or ID number, so staff can find reports by exact value."""
    if not normalized:
        return ""
    message = f"{kind}:{normalized}".encode()
    return hmac.new(settings.LOOKUP_KEY.encode(), message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; the Python value is the clear text."""

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if value is None:
            return ""
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str:
        return encrypt(str(value or ""))


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every encrypted column of every installed model, with its model: found through Django's app registry,
    so a new EncryptedTextField anywhere is covered by key rotation without being listed by hand."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [str(f.column) for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if columns:
            found.append((model, columns))
    return found
