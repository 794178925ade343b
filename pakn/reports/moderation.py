"""Staff media and moderation as workflow actions (issue 10, items 4 and 6; R-3.2, R-9.2).

- `attach_media`: staff add photos, videos or recordings to a case; recorded on the timeline with who added
  them and their SHA-256; never public by that alone.
- `publish_media`: the holding agency's leader (or the IOC desk, or the supervisor) makes chosen staff photos
  of a resolved case public. Photos sent with a result are published by its approval (`approve`,
  `publish_result`, see `result_media`).
- `redact_text`: replace the public copy of the title and content (the original is kept for staff with the
  right to personal data), as FixMyStreet moderators do.
- `redact_photo`: replace the public copy of one photo with an edited image, or withdraw it; the original is
  kept.

The rows are added to the workflow table (`workflow.TRANSITIONS`, `workflow.EFFECTS`) when this module is
imported, by the app's `ready()` (so that the workflow does not import it back); `apply` checks, records and
seals them like every other action.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from pakn.org.models import User
from pakn.reports import media
from pakn.reports.models import Attachment, Event, Report, State
from pakn.reports.staff_media import publish_after
from pakn.reports.workflow import (
    ALL_STATES,
    EFFECTS,
    FLAGGERS,
    TRANSITIONS,
    Actor,
    Outcome,
    Role,
    Visibility,
    _required,
    _t,
    assignee,
    staff_at_current_agency,
)

UPLOAD_STATES = (State.ROUTED, State.IN_PROGRESS, State.AWAITING_APPROVAL, State.COORDINATING, State.RESOLVED)
HOLDERS = staff_at_current_agency(Role.OPERATOR, Role.LEADER, Role.SUPERVISOR)
PUBLISHERS = (staff_at_current_agency(Role.LEADER, Role.SUPERVISOR), *FLAGGERS[1:])


def _attach_media(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    uploads: list[UploadedFile] = list(p.get("uploads") or [])
    if not uploads:
        raise ValidationError({"uploads": "Vui lòng chọn ít nhất một tệp."})
    existing = Attachment.objects.filter(report=report).count()
    if existing + len(uploads) > settings.PAKN_MAX_ATTACHMENTS:
        raise ValidationError(
            {"uploads": f"Mỗi phản ánh có tối đa {settings.PAKN_MAX_ATTACHMENTS} tệp."}, code="too_many_files"
        )
    files = []
    for upload in uploads:
        sniffed = media.check_upload(upload, field="uploads")
        upload.seek(0)
        files.append({"kind": sniffed.kind, "sha256": hashlib.sha256(upload.read()).hexdigest()})
        upload.seek(0)
    assert isinstance(actor, User)

    def store(event: Event) -> None:
        for upload in uploads:
            media.attachment_add(
                report=report, upload=upload, by_reporter=False, event=event, uploaded_by=actor, now=now
            )

    note = (p.get("note") or "").strip()
    return Outcome(report.state, note=note, data={"files": files}, after=[store])


def _publish_media(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    wanted = {int(pk) for pk in (p.get("attachments") or [])}
    if not wanted:
        raise ValidationError({"attachments": "Vui lòng chọn ảnh cần công khai."})
    found = set(
        Attachment.objects.filter(
            report=report, pk__in=wanted, uploaded_by_reporter=False, published_by_event__isnull=True
        )
        .exclude(public_file="")
        .values_list("pk", flat=True)
    )
    if found != wanted:
        raise ValidationError(
            {"attachments": "Chỉ công khai được ảnh của cán bộ chưa công khai của phản ánh này."}
        )
    ids = sorted(found)
    return Outcome(
        report.state, note=p.get("note", ""), data={"attachments": ids}, after=[publish_after(ids)]
    )


def _redact_text(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu lý do biên tập (ví dụ: xóa số điện thoại, họ tên người khác).")
    content = _required(p, "content", "Vui lòng nhập nội dung công khai sau khi biên tập.")
    title = (p.get("title") or "").strip()
    changes = {"public_content": content, "public_title": title}
    changed = sorted(k for k, v in changes.items() if getattr(report, k) != v)
    if not changed:
        raise ValidationError({"content": "Nội dung công khai không thay đổi."})
    return Outcome(report.state, changes, note=note, data={"fields": changed})


def _redact_photo(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu lý do biên tập ảnh.")
    pk = p.get("attachment")
    attachment = (
        Attachment.objects.filter(report=report, pk=int(pk), kind=Attachment.Kind.IMAGE).first()
        if isinstance(pk, (int, str)) and str(pk).isdigit()
        else None
    )
    if attachment is None:
        raise ValidationError({"attachment": "Vui lòng chọn một ảnh của phản ánh này."})
    replacement: UploadedFile | None = p.get("replacement")
    copy = b""
    if replacement is not None:
        sniffed = media.check_upload(replacement, field="replacement")
        if sniffed.kind != Attachment.Kind.IMAGE or sniffed.content_type == "image/heic":
            raise ValidationError({"replacement": "Ảnh thay thế phải là JPEG, PNG hoặc WebP."})
        copy = media.public_image_copy(replacement.read())

    def replace(event: Event) -> None:
        old = attachment.public_file.name if attachment.public_file else ""
        if copy:
            name = f"{report.tracking_code}-{hashlib.sha256(copy).hexdigest()[:12]}-r.jpg"
            attachment.public_file.save(name, ContentFile(copy), save=False)
        else:
            attachment.public_file = ""  # type: ignore[assignment]
        attachment.redacted = True
        attachment.save(update_fields=["public_file", "redacted"])
        if old:  # the replaced public copy (the original stays); only once the change is committed
            storage = attachment.public_file.storage
            transaction.on_commit(lambda: storage.delete(old))

    data = {
        "attachment": attachment.pk,
        "replacement_sha256": hashlib.sha256(copy).hexdigest() if copy else "",
    }
    return Outcome(report.state, note=note, data=data, after=[replace])


for _row in (
    _t(
        "attach_media",
        "Bổ sung ảnh, tệp của cán bộ",
        UPLOAD_STATES,
        (HOLDERS, assignee),
        None,
        Visibility.INTERNAL,
    ),
    _t("publish_media", "Công khai ảnh kết quả", [State.RESOLVED], PUBLISHERS, None, Visibility.PUBLIC),
    _t("redact_text", "Biên tập nội dung công khai", ALL_STATES, FLAGGERS, None, Visibility.INTERNAL),
    _t("redact_photo", "Biên tập ảnh công khai", ALL_STATES, FLAGGERS, None, Visibility.INTERNAL),
):
    TRANSITIONS[_row.action] = _row
EFFECTS.update(
    {
        "attach_media": _attach_media,
        "publish_media": _publish_media,
        "redact_text": _redact_text,
        "redact_photo": _redact_photo,
    }
)
