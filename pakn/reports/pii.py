"""Personal data typed into free text (R-3.2): phone numbers, ID numbers and e-mail addresses, masked.

People write a phone number in many ways: `0912345678`, `0912 345 678`, `0912.345.678`, `0912-345-678`,
`0912/345/678`, `(091) 234-5678`, `+84 912 345 678`, `84912345678`, `(+84) 912...`, glued to a word
(`sđt0912345678`, `ĐT:0912...`), with double spaces or a line break. ID numbers (CMND 9 digits, CCCD 12
digits) likewise, and bank accounts are longer runs. So instead of matching formats this module finds every
run of digits joined by separators (spaces, dots, dashes, slashes, brackets, a leading +) and masks a run of
9 or more digits, except the forms that are plainly not personal data: a date (`12/05/2024`), a money amount
grouped in thousands (`1.500.000`) and a decimal (`105.804817`).

What it cannot catch: numbers spelled out in words ("không chín một hai..."), digits split by letters
("0912 ba bốn năm 678"), e-mail addresses written with "at" or "a còng". Staff redaction covers those.
"""

from __future__ import annotations

import re

PHONE_MASK = "[số đã ẩn]"
EMAIL_MASK = "[email đã ẩn]"

EMAIL = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._%+\-]*\s?@\s?[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)
# Digits joined by up to four separator characters (") - "); may open with "+" or "(" and close with ")".
SEPARATORS = r"[ \t\r\n\u00a0.\-/()\\_]"
RUN = re.compile(rf"(?:[+(]\s?)*\d(?:{SEPARATORS}{{0,4}}\d)*\)?")
# A date with a four-digit year (two-digit years look too much like a phone number's groups).
DATE = re.compile(
    r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])([/.\-])(?:0?[1-9]|1[0-2])\1(?:19|20)\d\d(?!\d)"
    r"|(?<!\d)(?:19|20)\d\d([/.\-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])(?!\d)"
)
# A round amount of money grouped in thousands: 1.500.000, 25.000.000.000 (a CMND "123.456.789" is not round).
THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*(?<=000)")
DECIMAL = re.compile(r"(?:0|[1-9]\d{0,2})[.,]\d+")
MIN_DIGITS = 9


def _is_personal_number(run: str) -> bool:
    digits = re.sub(r"\D", "", run)
    if len(digits) < MIN_DIGITS:
        return False
    bare = run.strip("() ")
    return not (THOUSANDS.fullmatch(bare) or DECIMAL.fullmatch(bare))


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    # A date inside a run (a range "01/05/2024 - 15/06/2024") is not personal: judge the pieces around it.
    pieces: list[str] = []
    last = 0
    for date in DATE.finditer(run):
        pieces.append(_mask_piece(run[last : date.start()]))
        pieces.append(date.group(0))
        last = date.end()
    pieces.append(_mask_piece(run[last:]))
    return "".join(pieces)


def _mask_piece(piece: str) -> str:
    if not piece:
        return piece
    core = piece.strip(" \t\r\n\u00a0.-/,_\\")
    if not core or not _is_personal_number(core):
        return piece
    start = piece.index(core)
    return piece[:start] + PHONE_MASK + piece[start + len(core) :]


def mask_personal_data(text: str) -> str:
    """The text with e-mail addresses, phone numbers, ID numbers and other long digit runs masked."""
    if not text:
        return ""
    masked = EMAIL.sub(EMAIL_MASK, text)
    return RUN.sub(_mask_run, masked)


def contains_personal_data(text: str) -> bool:
    return mask_personal_data(text) != (text or "")
