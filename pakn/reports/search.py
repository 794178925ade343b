"""The one public search (portal, REST API, Open311): accent- and case-insensitive, over public text only.

A report keeps `search_text`: its public text (title, content, place, and the result once resolved) with
phone- and ID-like numbers removed, lower case and without diacritics ("Đường" → "duong"). It is written by
the code that writes that text (submission and `workflow._record`), so a search never reads a column that
holds personal data, and a number a reporter typed can never be found even though it is in `content`.
Searching looks for the start of a word for each normalised word of the query: `LIKE '% word%'`, which
PostgreSQL answers from a trigram (pg_trgm) GIN index (migration reports.0004), SQLite by a scan.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from pakn.reports.models import Report, State
from pakn.reports.redaction import redact_numbers

# The fields whose public text is searchable; result_text only once the result is public (resolved).
SEARCH_FIELDS = ("title", "content", "address_text", "result_text")
MAX_WORDS = 5
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_CODE = re.compile(r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")


def normalise(text: str) -> str:
    """Lower case, without diacritics, one space between words: "ĐƯỜNG  Lê Lợi" → "duong le loi"."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", plain.casefold()).strip()


def search_text_of(values: Mapping[str, Any]) -> str:
    """The searchable text of a report with these field values (`state` decides whether the result is
    public)."""
    fields = [f for f in SEARCH_FIELDS if f != "result_text" or values.get("state") == State.RESOLVED]
    public = " ".join(str(values.get(f) or "") for f in fields)
    # Words only, each after a space, so that a query word matches the start of a word ("ga" finds "gà",
    # not "ngày").
    return "".join(" " + word for word in _WORD.findall(normalise(redact_numbers(public, mask=" "))))


def search_text_for(report: Report, changes: Mapping[str, Any] | None = None) -> str:
    """The searchable text of `report` once `changes` are applied."""
    changes = changes or {}
    return search_text_of({f: changes.get(f, getattr(report, f)) for f in (*SEARCH_FIELDS, "state")})


def public_search(reports: QuerySet[Report], text: str) -> QuerySet[Report]:
    """Reports among `reports` whose public text has a word starting with each word of `text` (at most five),
    in any case and with or without diacritics; a tracking code ("K7MP-4QX9", "k7mp4qx9") finds its report."""
    words = _WORD.findall(normalise(text))[:MAX_WORDS]
    if not words:
        return reports
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=" " + word)
    raw = (text or "").strip()
    if _CODE.match(raw):
        code = raw.replace("-", "").upper()
        condition |= Q(tracking_code=f"{code[:4]}-{code[4:]}")
    return reports.filter(condition)
