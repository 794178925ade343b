"""The timeline's keyed hash chain (R-9.1, R-3.1): each event's MAC, and the report fields it seals.

An event's `hash` is an HMAC-SHA256, keyed with an audit key kept outside the database (`PAKN_AUDIT_KEY`),
over its content, the previous event's hash and a digest of every report field the public or the figures
depend on, as they stand after the event (`sealed_fields`). Someone who can write to the database but does
not hold the key can neither rewrite an event and recompute the chain, nor change a report's result text,
marks, category or agency without the head event's seal disagreeing.

Keys rotate like the data keys: the first key of `PAKN_AUDIT_KEY` seals new events, every listed key still
verifies (each event names its key by `key_id`); `pakn audit rekey` re-seals every chain with the first key.
Events written before keyed chains existed were re-sealed by migration 0004 (before go-live; squashed
since) after their unkeyed chain was checked; `legacy_hash` keeps that format, which an attacker may still use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from pakn.reports.models import Event, Report

# The report's fields sealed by its head event: everything public pages, open data, Open311 and the
# statistics read. Personal data (encrypted, re-encrypted on key rotation) is not among them.
SEALED_FIELDS = (
    "tracking_code",
    "channel",
    "category",
    "title",
    "content",
    "public_title",
    "public_content",
    "text_public",
    "address_text",
    "area",
    "latitude",
    "longitude",
    "state",
    "agency",
    "assignee",
    "agency_since",
    "step",
    "step_started_at",
    "due_at",
    "escalate_by",
    "step_statutory",
    "escalate_statutory",
    "overdue_at",
    "is_complex",
    "is_state_secret",
    "is_valuable",
    "is_abusive",
    "result_text",
    "resolved_at",
    "closed_reason",
    "clarification_pending",
    "rating",
    "rated_at",
    "created_at",
    # Issue 11: which deadlines count as late in the figures.
    "step_statutory",
    "escalate_statutory",
    "overdue_at",
)


# --- Keys ---------------------------------------------------------------------------------------------------


def key_id(key: bytes) -> str:
    """A short public name of a key (never the key): the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(b"pakn-audit-key-id:" + key).hexdigest()[:8]


def audit_keys() -> list[bytes]:
    """The audit keys, the first one sealing (settings.PAKN_AUDIT_KEYS)."""
    return [k.encode() for k in settings.PAKN_AUDIT_KEYS]


def _keys_by_id() -> dict[str, bytes]:
    return {key_id(k): k for k in audit_keys()}


class UnknownAuditKey(Exception):
    """An event names a key that is not configured (dropped too early, or a forged key id)."""


# --- Canonical values --------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="microseconds") if moment else None


def canonical(value: Any) -> Any:
    """A JSON-stable form of a field value: model instances by primary key, times in UTC, decimals as text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, Decimal):  # coordinates: six decimal places, as stored
        return format(value.quantize(Decimal("0.000001")), "f")
    return value


def _digest(name: str, value: Any) -> str:
    text = json.dumps([name, canonical(value)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _field_value(report: Report, name: str, changes: dict[str, Any]) -> Any:
    if name in changes:
        return changes[name]
    field = report._meta.get_field(name)
    return getattr(report, field.attname)  # type: ignore[union-attr]


def sealed_fields(
    report: Report, changes: dict[str, Any] | None = None, names: tuple[str, ...] = SEALED_FIELDS
) -> dict[str, str]:
    """The digest of each sealed field of the report, with `changes` applied (as the event will leave it)."""
    changes = changes or {}
    values = {name: _field_value(report, name, changes) for name in names}
    for name in ("latitude", "longitude"):
        if isinstance(values.get(name), (float, int)):
            values[name] = Decimal(str(values[name]))
    return {name: _digest(name, value) for name, value in values.items()}


def fields_differing(report: Report, sealed: dict[str, str]) -> list[str]:
    """The report's fields whose current value is not the one sealed by its head event.

    Only the names the head sealed are compared (the seal is under the MAC, so none can be removed): a
    field added to SEALED_FIELDS later is sealed from the report's next event on."""
    names = tuple(name for name in SEALED_FIELDS if name in sealed)
    now = sealed_fields(report, names=names)
    return sorted(name for name in names if sealed[name] != now[name])


# --- Event MACs ----------------------------------------------------------------------------------------------


def _content(e: Event) -> list[Any]:
    return [
        e.report_id,
        e.seq,
        _iso(e.at),
        e.actor_id,
        e.actor_kind,
        e.agency_id,
        e.target_agency_id,
        e.action,
        e.from_state,
        e.to_state,
        e.step,
        _iso(e.step_due_at),
        e.on_time,
        _iso(e.due_at),
        e.note,
        e.visibility,
        e.data,
        e.prev_hash,
        *_later_fields(e),
    ]


def _later_fields(e: Event) -> list[Any]:
    """Fields events gained after the first keyed chains (issue 11: whether a deadline was statutory, the
    report's overdue moment): covered when set, so events sealed before they existed still verify, and a
    value set, changed or cleared later breaks the MAC."""
    extra = {
        "statutory": getattr(e, "statutory", None),
        "overdue_at": _iso(getattr(e, "overdue_at", None)),
    }
    present = {k: v for k, v in extra.items() if v is not None}
    return [present] if present else []


def legacy_hash(e: Event) -> str:
    """The unkeyed SHA-256 of the first chain format (before keyed chains); used only to check old chains."""
    text = json.dumps(_content(e), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _later(e: Event) -> dict[str, Any] | None:
    """Event fields added after chains were first sealed (the nature of a deadline, docs/deadlines.md):
    under the MAC when set, so events sealed before them still verify."""
    # getattr: a historical model may predate these fields (migration 0004 sealed with one before the squash).
    later = {"statutory": getattr(e, "statutory", None), "overdue_at": _iso(getattr(e, "overdue_at", None))}
    if getattr(
        e, "note_public", False
    ):  # issue 14: a published note is sealed; unset, events verify as before
        later["note_public"] = True
    return later if any(v is not None for v in later.values()) else None


def event_mac(e: Event, key: bytes) -> str:
    """HMAC-SHA256 over the event's content, the previous hash, its key id and the report fields it seals."""
    payload = [2, e.key_id, *_content(e), e.sealed_fields]
    later = _later(e)
    if later is not None:
        payload.append(later)
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def seal(e: Event) -> str:
    """Sign the event with the first audit key; sets `key_id` and `hash` and returns the hash."""
    key = audit_keys()[0]
    e.key_id = key_id(key)
    e.hash = event_mac(e, key)
    return e.hash


def mac_matches(e: Event) -> bool:
    """Whether the event's hash is its MAC under the key it names; UnknownAuditKey when that key is gone."""
    key = _keys_by_id().get(e.key_id)
    if key is None:
        raise UnknownAuditKey(e.key_id or "(none)")
    return hmac.compare_digest(event_mac(e, key), e.hash)


def report_label(report_id: int, key: bytes | None = None) -> str:
    """An opaque, stable name of a report for published checkpoints (reveals neither id nor tracking code)."""
    key = key or audit_keys()[0]
    return hmac.new(key, f"report:{report_id}".encode(), hashlib.sha256).hexdigest()[:20]
