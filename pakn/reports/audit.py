"""Verification of the timeline (`pakn audit verify`): the first event altered, removed or added, a report
field changed outside the workflow, and a chain that no longer holds what a signed checkpoint recorded.

What it cannot detect is listed in docs/security.md (item 3).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from pakn.reports.chain import (
    UnknownAuditKey,
    audit_keys,
    fields_differing,
    key_id,
    mac_matches,
    report_label,
    seal,
)
from pakn.reports.checkpoints import FORMAT, document_digest, signature_valid
from pakn.reports.models import AuditCheckpoint, Event, Report


@dataclass(frozen=True)
class BrokenLink:
    report_id: int | None
    tracking_code: str
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        if self.report_id is None:
            return self.reason
        where = f"event #{self.event_id} (seq {self.seq})" if self.event_id else "end of chain"
        return f"report {self.tracking_code} (id {self.report_id}), {where}: {self.reason}"


@dataclass
class Anchors:
    """What the signed checkpoints recorded: per report label, the latest (seq, hash, checkpoint number)."""

    heads: dict[tuple[str, str], tuple[int, str, int]] = field(default_factory=dict)
    problems: list[BrokenLink] = field(default_factory=list)

    def for_report(self, report_id: int) -> tuple[int, str, int] | None:
        found = None
        for key in audit_keys():
            anchor = self.heads.get((key_id(key), report_label(report_id, key)))
            if anchor and (found is None or anchor[0] > found[0]):
                found = anchor
        return found


def _chain_problem(report: Report, anchor: tuple[int, str, int] | None) -> BrokenLink | None:
    """The first problem of one report's chain: a broken link, a head that does not match the last event,
    a signed checkpoint's head missing or rewritten, or public fields changed outside the timeline."""
    walked = _walk_events(report)
    if isinstance(walked, BrokenLink):
        return walked
    hashes, last = walked

    def broken(reason: str, seq: int | None, event_id: int | None) -> BrokenLink:
        return BrokenLink(report.pk, report.tracking_code, seq, event_id, reason)

    end_seq, end_id = (last.seq, last.pk) if last else (None, None)
    if report.event_count != len(hashes) or report.head_hash != (last.hash if last else ""):
        return broken(
            "the report's head does not match its last event (events removed or added)", end_seq, end_id
        )
    if anchor is not None:
        seq, digest, number = anchor
        if seq not in hashes:
            return broken(
                f"signed checkpoint {number} recorded {seq} events; the timeline now ends at "
                f"{len(hashes)} (truncated)",
                end_seq,
                end_id,
            )
        if hashes[seq] != digest:
            return broken(
                f"event seq {seq} differs from the one signed checkpoint {number} recorded (rewritten)",
                seq,
                None,
            )
    if last is not None:
        changed = fields_differing(report, last.sealed_fields)
        if changed:
            return broken(
                "report fields changed outside the timeline: " + ", ".join(changed), last.seq, last.pk
            )
    return None


def _walk_events(report: Report) -> BrokenLink | tuple[dict[int, str], Event | None]:
    """Follow the chain event by event: the first broken link, or each event's hash by seq and the last."""
    prev = ""
    last: Event | None = None
    hashes: dict[int, str] = {}
    for event in report.events.order_by("seq").iterator():

        def broken(reason: str, e: Event = event) -> BrokenLink:
            return BrokenLink(report.pk, report.tracking_code, e.seq, e.pk, reason)

        if event.seq != len(hashes) + 1:
            return broken(f"expected seq {len(hashes) + 1}: an event is missing")
        if event.prev_hash != prev:
            return broken("prev_hash does not match the previous event")
        try:
            if not mac_matches(event):
                return broken("content does not match its keyed hash (altered)")
        except UnknownAuditKey as e:
            return broken(f"sealed with audit key {e} which is not configured (altered, or key dropped)")
        hashes[event.seq] = event.hash
        prev = event.hash
        last = event
    return hashes, last


def verify_report(report: Report, anchors: Anchors | None = None) -> BrokenLink | None:
    """Recompute one report's chain; the first problem, or None when it holds."""
    anchor = anchors.for_report(report.pk) if anchors else None
    return _chain_problem(report, anchor)


# --- Checkpoints ----------------------------------------------------------------------------------------------


def _problem(reason: str) -> BrokenLink:
    return BrokenLink(None, "", None, None, reason)


def _read_copies(directory: Path) -> tuple[dict[int, tuple[str, str]], list[BrokenLink]]:
    copies: dict[int, tuple[str, str]] = {}
    problems = []
    for path in sorted(directory.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            body, signature = doc["body"], doc["signature"]
            number = int(json.loads(body)["number"])
        except (ValueError, KeyError, TypeError):
            problems.append(_problem(f"checkpoint copy {path.name} is not a pakn checkpoint"))
            continue
        copies[number] = (body, signature)
    return copies, problems


def load_anchors(copies_dir: Path | None = None) -> Anchors:
    """Check the signed checkpoints (in the database and, if given, copies kept elsewhere) and collect the
    heads they recorded."""
    anchors = Anchors()
    stored = {c.number: (c.body, c.signature) for c in AuditCheckpoint.objects.order_by("number")}
    copies: dict[int, tuple[str, str]] = {}
    if copies_dir is not None:
        copies, anchors.problems = _read_copies(copies_dir)
    for number, doc in copies.items():
        if number not in stored:
            anchors.problems.append(_problem(f"checkpoint {number} is missing from the database (deleted)"))
        elif stored[number] != doc:
            anchors.problems.append(_problem(f"checkpoint {number} in the database differs from the copy"))
    documents = {**stored, **copies}
    previous = ""
    for number in range(1, max(documents, default=0) + 1):
        if number not in documents:
            anchors.problems.append(_problem(f"checkpoint {number} is missing (deleted)"))
            previous = ""
            continue
        body, signature = documents[number]
        if not signature_valid(body, signature):
            anchors.problems.append(_problem(f"checkpoint {number}: signature invalid (forged or altered)"))
            previous = ""
            continue
        data = json.loads(body)
        if data.get("format") != FORMAT or data.get("number") != number:
            anchors.problems.append(_problem(f"checkpoint {number}: not a checkpoint of this format"))
            continue
        if previous and data.get("previous") != previous:
            anchors.problems.append(_problem(f"checkpoint {number} does not follow checkpoint {number - 1}"))
        previous = document_digest(body, signature)
        if data.get("rekey"):
            anchors.heads.clear()  # chains re-sealed under a new key, after being verified
        for label, seq, digest in data["heads"]:
            anchors.heads[(data["label_key"], label)] = (int(seq), str(digest), number)
    return anchors


def _vanished_reports(anchors: Anchors) -> Iterator[BrokenLink]:
    """Labels a checkpoint recorded that match no report any more: a report deleted with its timeline."""
    known = {
        (key_id(k), report_label(pk, k))
        for pk in Report.objects.values_list("pk", flat=True)
        for k in audit_keys()
    }
    for key, (_seq, _digest, number) in anchors.heads.items():
        if key not in known:
            yield _problem(
                f"a report recorded in checkpoint {number} (label {key[1]}) no longer exists (deleted)"
            )


def verify_all(copies_dir: Path | None = None) -> Iterator[BrokenLink]:
    """Every problem: checkpoints first, then each report's chain against them."""
    anchors = load_anchors(copies_dir)
    yield from anchors.problems
    yield from _vanished_reports(anchors)
    for report in Report.objects.order_by("pk").iterator():
        link = verify_report(report, anchors)
        if link:
            yield link


def rekey_all() -> int:
    """Re-seal every chain with the first audit key after checking it with the key each event names
    (rotation); refuses to launder a chain that does not verify. Returns the number of events re-sealed."""
    from pakn.reports.checkpoints import checkpoint_create

    anchors = load_anchors()
    if anchors.problems:
        raise ValueError(f"refusing to re-seal: {anchors.problems[0]}")
    count = 0
    for report in Report.objects.order_by("pk").iterator():
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report.pk)
            problem = _chain_problem(report, anchors.for_report(report.pk))
            if problem is not None:
                raise ValueError(f"refusing to re-seal a broken chain: {problem}")
            prev = ""
            for event in report.events.order_by("seq"):
                event.prev_hash = prev
                seal(event)
                event.save(update_fields=["prev_hash", "key_id", "hash"])
                prev = event.hash
                count += 1
            Report.objects.filter(pk=report.pk).update(head_hash=prev)
    checkpoint_create(rekey=True)
    return count
