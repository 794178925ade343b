"""Masking of personal data a reporter may have typed into text that becomes public (R-3.2)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_NUMBER = re.compile(r"(?<![\w])(?:\+\s?)?\d(?:[\s.\-]?\d){8,11}(?![\w])")


def redact_numbers(text: str, *, mask: str | None = None) -> str:
    """Mask runs of 9 to 12 digits (phone numbers, CMND/CCCD) a reporter may have typed into public text."""
    return _NUMBER.sub(_("[số đã ẩn]") if mask is None else mask, text or "")
