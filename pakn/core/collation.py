"""Vietnamese alphabetical order (a ă â b c d đ e ê … ư v x y), the same in Python, SQLite and PostgreSQL.

Names of communes, agencies and categories sort the way a Vietnamese reader expects: "Đ" after "D" (not after
"Z" as code points put it), "Ă"/"Â" after "A", tones only break ties (ngang, huyền, hỏi, ngã, sắc, nặng) and
case last. The columns that hold such names declare the database collation `vi`: PostgreSQL's ICU collation
for Vietnamese (created by a migration), and on SQLite a collation function registered on every connection
that compares `vietnamese_key`s.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

COLLATION = "vi"
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
# Tone marks, in the order of Vietnamese dictionaries: huyền, hỏi, ngã, sắc, nặng (ngang = 0).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

Key = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


@functools.lru_cache(maxsize=4096)
def _letter(ch: str) -> tuple[str, int]:
    """A character as its base letter (vowel marks kept: ă â ê ô ơ ư) and its tone."""
    tone = 0
    base = ""
    for part in unicodedata.normalize("NFD", ch.lower()):
        if part in _TONES:
            tone = _TONES[part]
        else:
            base += part
    return unicodedata.normalize("NFC", base), tone


@functools.lru_cache(maxsize=4096)
def vietnamese_key(text: str) -> Key:
    """A sort key: letters by the Vietnamese alphabet first, then tones, then case (lower first)."""
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    cases: list[int] = []
    for ch in unicodedata.normalize("NFC", text or ""):
        base, tone = _letter(ch)
        if ch.isspace():
            primary.append((0, 0))
        elif base in _RANK:
            primary.append((3, _RANK[base]))
        elif base.isdigit():
            primary.append((2, int(base)))
        elif not base.isalnum():
            primary.append((1, ord(base[:1] or " ")))
        else:
            primary.append((4, ord(base[:1])))
        tones.append(tone)
        cases.append(0 if ch == ch.lower() else 1)
    return tuple(primary), tuple(tones), tuple(cases)


def vietnamese_sorted(items: Any, key: Any = None) -> list[Any]:
    """`sorted` in Vietnamese order; `key` picks the text of each item (the item itself by default)."""
    pick = key or (lambda item: item)
    return sorted(items, key=lambda item: vietnamese_key(str(pick(item))))


def _sqlite_compare(a: str | None, b: str | None) -> int:
    ka, kb = vietnamese_key(a or ""), vietnamese_key(b or "")
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: SQLite knows collation `vi` on every connection Django opens."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _sqlite_compare)


POSTGRES_CREATE = (
    f"CREATE COLLATION IF NOT EXISTS \"{COLLATION}\" (provider = icu, locale = 'vi-VN', deterministic = true)"
)
