"""Limits on what people may type, one place for every surface (portal, REST, Open311, console).

The services check them (`text_errors`), so a surface that forgets cannot let a 5 MB description or a control
character through; the surfaces use the same numbers for their forms and schemas so people are told early,
in their own format. Control characters (other than tab and line breaks) are refused: they have no use in a
report, make an XML feed invalid (0x0B, 0x1B…) and can hide or reorder text on a screen (bidi overrides).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

TITLE_MAX = 200
CONTENT_MAX = 5000
ADDRESS_MAX = 300
NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 30
ID_NUMBER_MAX = 20
NOTE_MAX = 5000  # notes, results, opinions, questions, reasons, clarifications

# Per field name, wherever it appears (a report's fields, a workflow action's parameters).
TEXT_LIMITS: dict[str, int] = {
    "title": TITLE_MAX,
    "public_title": TITLE_MAX,
    "content": CONTENT_MAX,
    "public_content": CONTENT_MAX,
    "description": CONTENT_MAX,
    "address_text": ADDRESS_MAX,
    "reporter_name": NAME_MAX,
    "reporter_address": ADDRESS_MAX,
    "reporter_email": EMAIL_MAX,
    "reporter_phone": PHONE_MAX,
    "reporter_id_number": ID_NUMBER_MAX,
    "note": NOTE_MAX,
    "result_text": NOTE_MAX,
    "answer": NOTE_MAX,
    "question": NOTE_MAX,
    "reason": NOTE_MAX,
    "code": 100,  # category, area and other codes
    "original": 20,  # the tracking code of a duplicate's original (pakn.reports.duplicates)
    "url": 2000,
}

# C0 controls but tab, LF and CR; DEL and C1; characters XML 1.0 forbids; bidi embedding/override/isolates.
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)


def limit_for(name: str) -> int:
    return TEXT_LIMITS.get(name, NOTE_MAX)


def text_problem(name: str, value: str) -> str | None:
    """What is wrong with one text value, in Vietnamese, or None."""
    limit = limit_for(name)
    if len(value) > limit:
        return f"Tối đa {limit} ký tự (đang có {len(value)})."
    found = CONTROL.search(value)
    if found:
        return f"Có ký tự điều khiển không hợp lệ (mã U+{ord(found.group(0)):04X}); vui lòng xóa ký tự đó."
    return None


def text_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The problems of every string value, by field name (non-strings are left to their own checks)."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if isinstance(value, str):
            problem = text_problem(name, value)
            if problem:
                errors[name] = [problem]
    return errors


def check_text(values: Mapping[str, Any]) -> None:
    errors = text_errors(values)
    if errors:
        raise ValidationError(errors, code="invalid_text")


def strip_control(value: str) -> str:
    """Drop control characters from text written out (defence for data stored before the check existed)."""
    return CONTROL.sub("", value)
