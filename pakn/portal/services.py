"""Writes of the portal: a submission sent exactly once under its client key, and the file stash.

Reports themselves are written only by pakn.reports.services and pakn.reports.media; this module wraps them
so a whole submission (the report and every file) is one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from pakn.portal.models import CitizenSession, PortalSubmission, SignInChallenge, StashedUpload
from pakn.reports.media import attachment_add, check_upload
from pakn.reports.models import Attachment, Channel, Report
from pakn.reports.services import report_submit

log = logging.getLogger(__name__)

# How long a retry may still show the follow-up secret, and how long stashed files are kept.
SECRET_KEPT = timedelta(hours=24)
STASH_KEPT = timedelta(hours=24)


@dataclass(frozen=True)
class SentReport:
    report: Report
    secret: str  # "" once it is no longer kept (a retry after a day), or for another sender
    created: bool  # False when this answers a retry of an earlier submission
    same_sender: bool = True  # False when another browser replays the key: it gets the tracking code only


def sender_digest(sender: str) -> str:
    return hashlib.sha256(sender.encode()).hexdigest() if sender else ""


def submission_replay(
    key: uuid.UUID, *, sender: str | None, now: datetime | None = None
) -> SentReport | None:
    """The first answer to a submission with this key, if it was sent already.

    The private follow-up secret is part of it only for the browser that sent it: `sender` is that browser's
    cookie (None when the caller already knows it is that browser). Anyone else replaying the key gets the
    tracking code and nothing private (issue 10, item 5).
    """
    now = now or timezone.now()
    sent = PortalSubmission.objects.filter(key=key, report__isnull=False).select_related("report").first()
    if sent is None or sent.report is None:
        return None
    same_sender = sender is None or bool(
        sent.sender_hash and hmac.compare_digest(sent.sender_hash, sender_digest(sender))
    )
    secret = sent.secret if same_sender and sent.created_at > now - SECRET_KEPT else ""
    return SentReport(sent.report, secret, created=False, same_sender=same_sender)


def _stashed_as_upload(item: StashedUpload) -> UploadedFile:
    return UploadedFile(
        file=default_storage.open(str(item.file.name), "rb"),
        name=item.name,
        content_type=item.content_type,
        size=item.size,
    )


def _delete_stored(attachments: Iterable[Attachment]) -> None:
    """Remove the files of attachments whose rows were rolled back."""
    for a in attachments:
        for f in (a.file, a.public_file):
            if f and f.name:
                try:
                    f.storage.delete(f.name)
                except OSError:
                    log.warning("could not delete %s after a rolled-back submission", f.name)


def portal_report_submit(
    *,
    key: uuid.UUID,
    fields: dict[str, Any],
    uploads: list[UploadedFile],
    stashed: list[StashedUpload],
    sender: str = "",
    now: datetime | None = None,
) -> SentReport:
    """R-7.1: one report with its files, in one transaction, exactly once per client key (R-6.2).

    The key is claimed first, in the same transaction: a concurrent request with the same key waits on the
    unique index and then fails with IntegrityError, and gets the winner's answer instead of a second report.
    A file refused by pakn.reports.media leaves no report behind (ValidationError is raised).
    """
    now = now or timezone.now()
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            claim = PortalSubmission.objects.create(
                key=key, created_at=now, sender_hash=sender_digest(sender)
            )
            submission = report_submit(channel=Channel.WEB, now=now, **fields)
            files = [_stashed_as_upload(s) for s in stashed] + list(uploads)
            try:
                for upload in files:
                    stored.append(
                        attachment_add(report=submission.report, upload=upload, by_reporter=True, now=now)
                    )
            finally:
                for f in files[: len(stashed)]:
                    f.close()
            claim.report = submission.report
            claim.secret = submission.secret
            claim.save(update_fields=["report", "secret"])
    except IntegrityError:
        _delete_stored(stored)
        replay = submission_replay(key, sender=sender, now=now)
        if replay is None:
            raise
        return replay
    except BaseException:
        _delete_stored(stored)
        raise
    stash_discard(form_key=key, ids=[s.pk for s in stashed])
    return SentReport(submission.report, submission.secret, created=True)


# --- The stash: files kept while the form comes back with an error ------------------------------------


def stashed_for(form_key: uuid.UUID) -> list[StashedUpload]:
    return list(StashedUpload.objects.filter(form_key=form_key))


def stash_add(*, form_key: uuid.UUID, upload: UploadedFile, now: datetime | None = None) -> StashedUpload:
    """Keep one file that passed pakn.reports.media.check_upload until the form is sent."""
    sniffed = check_upload(upload)
    upload.seek(0)
    item = StashedUpload(
        form_key=form_key,
        name=(upload.name or "tệp")[:200],
        kind=sniffed.kind,
        content_type=sniffed.content_type,
        size=upload.size or 0,
        created_at=now or timezone.now(),
    )
    item.file.save(f"{uuid.uuid4().hex}.{sniffed.extension}", upload, save=False)
    item.save()
    return item


def stash_discard(*, form_key: uuid.UUID, ids: Iterable[int]) -> int:
    """Forget stashed files of this form (the person removed them, or they were attached)."""
    items = list(StashedUpload.objects.filter(form_key=form_key, pk__in=list(ids)))
    for item in items:
        default_storage.delete(str(item.file.name))
    StashedUpload.objects.filter(pk__in=[i.pk for i in items]).delete()
    return len(items)


@dataclass
class CleanupResult:
    stashed_files: int = 0
    secrets_wiped: int = 0
    sign_ins_deleted: int = 0


def portal_cleanup(*, now: datetime | None = None) -> CleanupResult:
    """Delete stashed files older than a day and wipe follow-up secrets kept for retries after a day; forget
    sign-in codes and citizen sessions of "Phản ánh của tôi" a day after they expired."""
    now = now or timezone.now()
    result = CleanupResult()
    for item in StashedUpload.objects.filter(created_at__lt=now - STASH_KEPT):
        default_storage.delete(str(item.file.name))
        item.delete()
        result.stashed_files += 1
    result.secrets_wiped = (
        PortalSubmission.objects.filter(created_at__lt=now - SECRET_KEPT).exclude(secret="").update(secret="")
    )
    for model in (SignInChallenge, CitizenSession):
        result.sign_ins_deleted += model.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()[0]
    return result
