"""Validators and a short-lived cache for public reads (issue 13): the public list, feeds and pages change only
when a report, its timeline or its attachments change, so a page built once is served again — or answered
304 Not Modified — until one of them changes.

The version of the public data is read from the database in one query of three index look-ups (the last
event, the latest `updated_at` of a report, the last attachment): every workflow action appends an event and
sets `updated_at`, so any change a public page can show moves the version, whichever process or machine made
it. What does not move it — a category or agency renamed in the admin, a report deleted by retention, the
clock moving a report out of a date window — is bounded by the cache's lifetime (PAKN_PUBLIC_CACHE_SECONDS,
30 s by default; 0 turns the cache off, the validators stay). Each process keeps its last pages as well, until
the shared copy's expiry: a page served again costs the version's query and no round trip to the cache.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_etags
from django.utils.translation import get_language

from pakn.reports.models import Attachment, Event, Report


@dataclass(frozen=True)
class PublicVersion:
    token: str  # changes whenever public data may have changed
    last_modified: datetime | None  # the latest change known (for Last-Modified)


def _moment(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return parse_datetime(str(value))  # SQLite returns text from a bare aggregate


def public_version() -> PublicVersion:
    """The version of the reports' public data: one query, three index look-ups."""
    event, report, attachment = (m._meta.db_table for m in (Event, Report, Attachment))
    sql = (
        f"SELECT (SELECT MAX(id) FROM {event}), (SELECT MAX(at) FROM {event} WHERE id = "
        f"(SELECT MAX(id) FROM {event})), (SELECT MAX(updated_at) FROM {report}), "
        f"(SELECT MAX(id) FROM {attachment})"
    )
    # From the database the public read itself uses (a replica, when one serves public lists).
    with connections[router.db_for_read(Report)].cursor() as cursor:
        cursor.execute(sql)
        last_event, event_at, updated, last_attachment = cursor.fetchone()
    event_at, updated = _moment(event_at), _moment(updated)
    moments = [m for m in (event_at, updated) if m is not None]
    return PublicVersion(
        token=f"{last_event}:{updated.isoformat() if updated else ''}:{last_attachment}",
        last_modified=max(moments) if moments else None,
    )


def _cache_key(request: HttpRequest, namespace: str, version: PublicVersion) -> str:
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    raw = "\n".join([namespace, version.token, request.get_host(), request.path, query, get_language() or ""])
    return hashlib.sha256(raw.encode()).hexdigest()


def _conditional(
    request: HttpRequest, etag: str, response: HttpResponse, version: PublicVersion
) -> HttpResponse:
    response["ETag"] = etag
    if version.last_modified is not None:
        response["Last-Modified"] = http_date(version.last_modified.timestamp())
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def cached_public_response(
    request: HttpRequest, *, namespace: str, build: Callable[[], HttpResponse]
) -> HttpResponse:
    """The response `build()` makes for this request, served from the cache while the public data has not
    changed, with an ETag and Last-Modified; 304 when the client already has it (If-None-Match)."""
    version = public_version()
    key = _cache_key(request, namespace, version)
    etag = f'"{key[:32]}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        return _conditional(request, etag, HttpResponseNotModified(), version)
    seconds = settings.PAKN_PUBLIC_CACHE_SECONDS
    stored = _stored(key) if seconds else None
    if stored is not None:
        status, content_type, content = stored
        response = HttpResponse(content, status=status, content_type=content_type)
        return _conditional(request, etag, response, version)
    response = build()
    if response.status_code != 200 or response.streaming:
        return response
    if seconds:
        entry = (200, response["Content-Type"], response.content, time.time() + seconds)
        cache.set(f"public:{key}", entry, seconds)
        _remember(key, entry)
    return _conditional(request, etag, response, version)


# A few pages kept in this process too, under the same key (the version is in it) until the moment the
# shared copy expires: a page this process already served costs no round trip to the cache (Redis), which
# under load waits for Redis to be scheduled (issue 13).
LOCAL_PAGES = 32
Page = tuple[int, str, bytes]
_local: OrderedDict[str, tuple[float, Page]] = OrderedDict()


def _stored(key: str) -> Page | None:
    found = _local.get(key)
    if found is not None and found[0] > time.time():
        _local.move_to_end(key)
        return found[1]
    stored = cache.get(f"public:{key}")
    if stored is None or len(stored) != 4:
        return None
    _remember(key, stored)
    return stored[:3]  # type: ignore[no-any-return]


def _remember(key: str, entry: tuple[int, str, bytes, float]) -> None:
    _local[key] = (entry[3], entry[:3])
    _local.move_to_end(key)
    while len(_local) > LOCAL_PAGES:
        _local.popitem(last=False)


def forget_local_pages() -> None:
    """Empty this process's copies (tests, along with cache.clear())."""
    _local.clear()
