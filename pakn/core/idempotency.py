"""Idempotency-Key on POST: a retried request gets the first response and never a second effect.

The record of a key is inserted in the same transaction as the effect, under a unique (scope, key)
constraint. A second request with the same key waits on that constraint while the first runs (PostgreSQL
blocks the conflicting insert until the first transaction ends; SQLite's write lock serialises the two), then
finds the committed record and replays its response. Same key with a different request: refused. Only
successful (2xx) responses are remembered: a refused request leaves no record, so it can be corrected and
sent again with the same key. Records are kept for IDEMPOTENCY_TTL and then purged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone

from pakn.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = timedelta(hours=24)
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_\-.:]{8,255}$")
REPLAY_HEADER = "Idempotent-Replayed"


class KeyInvalid(Exception):
    """The Idempotency-Key header is malformed."""


class BodyUnreadable(Exception):
    """The request body cannot be parsed (e.g. multipart without a boundary)."""


class KeyReused(Exception):
    """The key was already used for a different request in this scope."""


def request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 of the method, the full path and the body.

    A multipart body is fingerprinted by its fields and the bytes of its files, not its raw bytes: a client
    that retries re-encodes the body with a new boundary.
    """
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        try:
            request.POST  # noqa: B018  (parse now, to refuse an unreadable body cleanly)
        except MultiPartParserError as e:
            raise BodyUnreadable(str(e)) from e
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"f:{name}={value}\0".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                upload.seek(0)
                file_digest = hashlib.sha256()
                for chunk in upload.chunks():
                    file_digest.update(chunk)
                upload.seek(0)
                digest.update(f"u:{name}={file_digest.hexdigest()}\0".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def idempotency_key(request: HttpRequest) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not KEY_PATTERN.match(key):
        raise KeyInvalid(key)
    return key


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.body, status=record.status_code, content_type=record.content_type)
    response[REPLAY_HEADER] = "true"
    return response


def run_once(
    request: HttpRequest,
    scope: str,
    effect: Callable[[], HttpResponse],
    *,
    remember: Callable[[HttpResponse], HttpResponse] | None = None,
) -> HttpResponse:
    """Run `effect` (which returns the response) at most once per Idempotency-Key in this scope.

    Without the header the effect simply runs. Exceptions raised by the effect propagate (after rolling back
    its changes and the key's record) for the caller's error handling. `remember` turns a successful
    response into the one kept for replays, when the first must never be repeated (a credential shown once).
    """
    key = idempotency_key(request)
    if key is None:
        return effect()
    fingerprint = request_fingerprint(request)
    cutoff = timezone.now() - IDEMPOTENCY_TTL
    with transaction.atomic():
        IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint, status_code=0, content_type="", body=""
                )
        except IntegrityError:
            return _previous(scope, key, fingerprint)
        response = effect()
        if 200 <= response.status_code < 300:
            kept = remember(response) if remember is not None else response
            IdempotencyRecord.objects.filter(scope=scope, key=key).update(
                status_code=kept.status_code,
                content_type=kept.get("Content-Type", ""),
                body=kept.content.decode(kept.charset or "utf-8"),
            )
        else:
            # A refusal the view answered itself (e.g. a failed login, counted for the lock-out) keeps its
            # side effects but is not remembered: the key stays free for a corrected request.
            IdempotencyRecord.objects.filter(scope=scope, key=key).delete()
        return response


def replay_if_seen(request: HttpRequest, scope: str) -> HttpResponse | None:
    """The remembered response of this request's key, if any: lets a view skip slow preparation (a download)
    before run_once. Raises KeyReused when the key belongs to a different request."""
    key = idempotency_key(request)
    if key is None:
        return None
    cutoff = timezone.now() - IDEMPOTENCY_TTL
    record = IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__gte=cutoff).first()
    if record is None:
        return None
    if record.fingerprint != request_fingerprint(request):
        raise KeyReused(key)
    return replay(record)


def _previous(scope: str, key: str, fingerprint: str) -> HttpResponse:
    record = IdempotencyRecord.objects.get(scope=scope, key=key)
    if record.fingerprint != fingerprint:
        raise KeyReused(key)
    return replay(record)


def purge_expired(*, now: object = None) -> int:
    """Forget keys older than IDEMPOTENCY_TTL; returns how many were deleted."""
    moment = now or timezone.now()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=moment - IDEMPOTENCY_TTL).delete()  # type: ignore[operator]
    return deleted
