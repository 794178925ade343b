"""The one public search (portal, REST API, Open311): accent- and case-insensitive, over public text only.

A report keeps `search_text`: its public text (the masked public copy of title and content once the IOC has
triaged the report, the place, and the result once resolved) with phone numbers, ID numbers and e-mail
addresses removed (pakn.reports.pii), lower case and without diacritics ("Đường" → "duong"). It is written by
the code that writes that text (submission and `workflow._record`), so a search never reads a column that
holds personal data, and a number a reporter typed can never be found even though it is in `content`.
Searching looks for the start of a word for each normalised word of the query: `LIKE '% word%'`, which
PostgreSQL answers from a trigram (pg_trgm) GIN index (migration reports.0007), SQLite by a scan.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from pakn.reports.models import Report, State
from pakn.reports.pii import EMAIL_MASK, PHONE_MASK, mask_personal_data

# The fields a report's searchable text is made of (see search_text_of for when each one is public).
SEARCH_FIELDS = ("public_title", "public_content", "text_public", "address_text", "result_text", "state")
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
    """The searchable text of a report with these field values (SEARCH_FIELDS): the public copy of the text
    once published (`text_public`), the place, the result once resolved."""
    parts = [values.get("address_text")]
    if values.get("text_public"):
        parts += [values.get("public_title"), values.get("public_content")]
    if values.get("state") == State.RESOLVED:
        parts.append(values.get("result_text"))
    public = mask_personal_data(" ".join(str(p or "") for p in parts))
    public = public.replace(PHONE_MASK, " ").replace(EMAIL_MASK, " ")  # the masks are not searchable
    # Words only, each after a space, so that a query word matches the start of a word ("ga" finds "gà",
    # not "ngày").
    return "".join(" " + word for word in _WORD.findall(normalise(public)))


def search_text_for(report: Report, changes: Mapping[str, Any] | None = None) -> str:
    """The searchable text of `report` once `changes` are applied."""
    changes = changes or {}
    return search_text_of({f: changes.get(f, getattr(report, f)) for f in SEARCH_FIELDS})


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
