"""Validation of the reporter's identifying data (R-5.1): Vietnamese phone numbers and personal ID numbers.

Since 1 January 2025 (Luật Căn cước 2023) the personal identification number (số định danh cá nhân, the 12
digits of a CCCD or căn cước card) is the only ID asked for; an old 9-digit CMND is still accepted quietly for
people who have nothing else, but no text offers it.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError

# First three digits of a CCCD: the province (or city) where the citizen's birth was registered
# (Circular 07/2016/TT-BCA and later), 63 provinces before the 2025 merger.
CCCD_PROVINCE_CODES = frozenset(
    """001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036
    037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077
    079 080 082 083 084 086 087 089 091 092 093 094 095 096""".split()
)


def normalize_phone(raw: str) -> str:
    """The number in E.164 form (+84…), or a ValidationError in Vietnamese."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError("Vui lòng nhập số điện thoại.", code="required")
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as e:
        raise ValidationError(
            "Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678.", code="invalid_phone"
        ) from e
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678.", code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_id_number(raw: str) -> str:
    """A CMND (9 digits) or CCCD (12 digits, first three a province code), digits only."""
    digits = re.sub(r"[\s.\-]", "", raw or "")
    if not digits:
        raise ValidationError("Vui lòng nhập số định danh cá nhân (12 chữ số).", code="required")
    if not digits.isdigit():
        raise ValidationError("Số định danh cá nhân chỉ gồm chữ số.", code="invalid_id_number")
    if len(digits) == 9:
        return digits
    if len(digits) == 12:
        if digits[:3] not in CCCD_PROVINCE_CODES:
            raise ValidationError(
                "Số định danh cá nhân không hợp lệ: ba chữ số đầu phải là mã tỉnh, thành phố nơi đăng ký khai sinh.",
                code="invalid_id_number",
            )
        return digits
    raise ValidationError("Số định danh cá nhân gồm 12 chữ số.", code="invalid_id_number")
