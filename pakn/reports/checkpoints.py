"""Signed checkpoints of the timeline: an anchor outside the database against truncation (R-9.1).

Every day (and on `pakn audit checkpoint`) the head of every report whose timeline changed since the last
checkpoint — its sequence number and keyed hash, under an opaque label — is written into a JSON statement
that is signed with Ed25519 and published in open data (`/du-lieu-mo/kiem-toan/`). The statements form a
chain of their own (each names the digest of the previous one). Anyone may keep copies; `pakn audit verify
--checkpoints DIR` then detects a timeline cut short with its head rolled back, a rewritten event older than
a checkpoint, a deleted report, and a checkpoint removed or altered in the database.

A published statement is `{"body": "<canonical JSON>", "signature": "<base64>"}`; the body's `heads` are
`[label, seq, hash]` with label = HMAC(audit key, report id), so it reveals no report, not even a state
secret's existence. The public key is at `/du-lieu-mo/kiem-toan/khoa-cong-khai.pem`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from pakn.reports.chain import audit_keys, key_id, report_label
from pakn.reports.models import AuditCheckpoint, Report

FORMAT = "pakn-audit-checkpoint/1"
# A report changed just before the previous checkpoint but committed after it is still caught.
OVERLAP = timedelta(hours=1)


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_keys() -> list[Ed25519PrivateKey]:
    return [Ed25519PrivateKey.from_private_bytes(_b64decode(k)) for k in settings.PAKN_AUDIT_SIGNING_KEYS]


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(public)).hexdigest()[:16]


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every configured signing key's public half, by id (old keys still verify old checkpoints)."""
    return {public_key_id(k.public_key()): k.public_key() for k in signing_keys()}


def public_key_pem() -> str:
    """The current signing key's public half, for anyone to verify published checkpoints."""
    public = signing_keys()[0].public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def document(checkpoint: AuditCheckpoint) -> dict[str, str]:
    """The published form of a checkpoint."""
    return {"body": checkpoint.body, "signature": checkpoint.signature}


def document_digest(body: str, signature: str) -> str:
    """What the next checkpoint names as its previous one."""
    return hashlib.sha256(f"{body}\n{signature}".encode()).hexdigest()


def _heads(since: datetime | None) -> list[list[Any]]:
    reports = Report.objects.filter(event_count__gt=0)
    if since is not None:
        reports = reports.filter(updated_at__gte=since)
    key = audit_keys()[0]
    rows = reports.values_list("pk", "event_count", "head_hash").order_by("pk")
    return sorted([report_label(pk, key), count, head] for pk, count, head in rows.iterator())


def checkpoint_create(
    *, now: datetime | None = None, full: bool = False, rekey: bool = False
) -> AuditCheckpoint:
    """Sign and store the next checkpoint: every report changed since the previous one (all when `full`
    or for the first). Two runs at once cannot both take the same number (unique constraint).

    `rekey`: the chains were re-sealed under a new audit key (`pakn audit rekey`, after verifying them);
    this full checkpoint replaces the heads recorded before it."""
    now = now or timezone.now()
    signer = signing_keys()[0]
    for _attempt in range(3):
        previous = AuditCheckpoint.objects.order_by("-number").first()
        since = None if (full or rekey or previous is None) else previous.created_at - OVERLAP
        number = (previous.number + 1) if previous else 1
        body: dict[str, Any] = {
            "format": FORMAT,
            "number": number,
            "at": now.isoformat(),
            "previous": document_digest(previous.body, previous.signature) if previous else "",
            "full": since is None,
            "rekey": rekey,
            "label_key": key_id(audit_keys()[0]),
            "signing_key": public_key_id(signer.public_key()),
            "heads": _heads(since),
        }
        text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        signature = base64.b64encode(signer.sign(text.encode())).decode()
        try:
            with transaction.atomic():
                checkpoint = AuditCheckpoint.objects.create(
                    number=number, created_at=now, body=text, signature=signature
                )
        except IntegrityError:
            continue
        _write_copy(checkpoint)
        return checkpoint
    raise RuntimeError("could not number the audit checkpoint (concurrent runs)")


def _write_copy(checkpoint: AuditCheckpoint) -> None:
    directory = settings.PAKN_AUDIT_CHECKPOINT_DIR
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    target = path / f"{checkpoint.number:06d}.json"
    if not target.exists():
        target.write_text(json.dumps(document(checkpoint), ensure_ascii=False), encoding="utf-8")


def signature_valid(body: str, signature: str) -> bool:
    """Whether a checkpoint body was signed by one of the configured signing keys (the one it names)."""
    try:
        named = json.loads(body).get("signing_key", "")
        public = public_keys().get(named)
        if public is None:
            return False
        public.verify(base64.b64decode(signature), body.encode())
    except (InvalidSignature, ValueError, AttributeError, TypeError):
        return False
    return True
