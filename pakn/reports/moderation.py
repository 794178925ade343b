"""Staff media and moderation actions (issue 10, items 4 and 6; R-3.2, R-9.2): their effects and specs.

- `attach_media`: staff add photos, videos or recordings to a case; recorded on the timeline with who added
  them and their SHA-256; never public by that alone.
- `publish_media`: the holding agency's leader (or the IOC desk, or the supervisor) makes chosen staff photos
  of a resolved case public. Photos sent with a result are published by its approval (`approve`,
  `publish_result`, see `staff_media.result_media`).
- `redact_text`: replace the public copy of the title and content (the original is kept for staff with the
  right to personal data), as FixMyStreet moderators do.
- `redact_photo`: replace the public copy of one photo with an edited image, or withdraw it; the original is
  kept.

`MODERATION_SPECS` join the table in pakn.reports.actions like every other spec; `apply` checks, records and
seals them. They live here (not in actions.py and effects.py) to keep those files within 600 lines.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_noop as _

from pakn.org.models import User
from pakn.reports import media
from pakn.reports.action_spec import (
    ActionSpec,
    Group,
    Input,
    Kind,
    Readers,
    note_input,
    public_note_inputs,
    required_text,
)
from pakn.reports.actors import FLAGGERS, Actor, assignee, staff_at_current_agency
from pakn.reports.effects import Outcome, _required
from pakn.reports.media import THUMBNAIL_SIDES, thumbnail_name
from pakn.reports.models import Attachment, Event, Report, State
from pakn.reports.staff_media import publish_after, unpublished_staff_media

Role = User.Role
Visibility = Event.Visibility

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
    found = set(unpublished_staff_media(report).filter(pk__in=wanted).values_list("pk", flat=True))
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
        thumbs = [thumbnail_name(attachment, side) for side in THUMBNAIL_SIDES] if old else []
        if copy:
            name = f"{report.tracking_code}-{hashlib.sha256(copy).hexdigest()[:12]}-r.jpg"
            attachment.public_file.save(name, ContentFile(copy), save=False)
        else:
            attachment.public_file = ""  # type: ignore[assignment]
        attachment.redacted = True
        attachment.save(update_fields=["public_file", "redacted"])
        if old:  # the replaced public copy and its thumbnails (the original stays), once committed
            storage = attachment.public_file.storage

            def delete_copies() -> None:
                storage.delete(old)
                for name in thumbs:
                    default_storage.delete(name)

            transaction.on_commit(delete_copies)

    data = {
        "attachment": attachment.pk,
        "replacement_sha256": hashlib.sha256(copy).hexdigest() if copy else "",
    }
    return Outcome(report.state, note=note, data=data, after=[replace])


ALL_STATES = frozenset(State.values)
REASON = _("Lý do biên tập")

# Procedure: beside the handling of the case. Marks: the side panel, with the marks and bans.
MEDIA_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "attach_media",
        _("Bổ sung ảnh, tệp của cán bộ"),
        frozenset(UPLOAD_STATES),
        (HOLDERS, assignee),
        None,
        Visibility.INTERNAL,
        _attach_media,
        inputs=(
            Input(
                "uploads",
                Kind.UPLOADS,
                _("Ảnh, video, ghi âm"),
                required=True,
                missing=_("Vui lòng chọn ít nhất một tệp."),
            ),
            note_input(_("Ghi chú nội bộ (không bắt buộc)")),
        ),
        help=_(
            "Ảnh, video bổ sung của cán bộ được ghi vào dòng thời gian với tên người tải lên; "
            "chỉ công khai khi lãnh đạo công khai ảnh."
        ),
        submit=_("Tải lên"),
        summary="Tải ảnh, video, ghi âm của cán bộ vào vụ việc (multipart/form-data, tệp trong `media`)",
        api_path="attachments",  # multipart/form-data: its own endpoint (pakn.api.staff.case_upload)
    ),
    ActionSpec(
        "publish_media",
        _("Công khai ảnh kết quả"),
        frozenset({State.RESOLVED}),
        PUBLISHERS,
        None,
        Visibility.PUBLIC,
        _publish_media,
        inputs=(
            Input(
                "attachments",
                Kind.STAFF_MEDIA,
                _("Ảnh"),
                required=True,
                missing=_("Vui lòng chọn ảnh cần công khai."),
            ),
            *public_note_inputs(),
        ),
        help=_(
            "Ảnh của cán bộ chỉ hiện trên cổng thông tin khi được công khai tại đây (bản đã xóa EXIF, GPS)."
        ),
        submit=_("Công khai ảnh đã chọn"),
        summary="Công khai ảnh của cán bộ trên vụ việc đã có kết quả (theo Điều 9 Quy chế)",
        api_path="publish-media",
    ),
)

MODERATION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "redact_text",
        _("Biên tập nội dung công khai"),
        ALL_STATES,
        FLAGGERS,
        None,
        Visibility.INTERNAL,
        _redact_text,
        inputs=(
            Input("title", Kind.LINE, _("Tiêu đề công khai"), initial=lambda r: r.public_title),
            Input(
                "content",
                Kind.TEXT,
                _("Nội dung công khai"),
                required=True,
                rows=6,
                missing=_("Vui lòng nhập nội dung công khai sau khi biên tập."),
                initial=lambda r: r.public_content,
                readers=Readers.PUBLIC,
            ),
            required_text(
                "note",
                REASON,
                _("Vui lòng nêu lý do biên tập (ví dụ: xóa số điện thoại, họ tên người khác)."),
                rows=2,
            ),
        ),
        help=_(
            "Sửa bản công khai của tiêu đề và nội dung (xóa số điện thoại, họ tên, địa chỉ của người khác...). "
            "Bản gốc vẫn được lưu cho cán bộ có quyền xem thông tin cá nhân."
        ),
        submit=_("Lưu bản công khai"),
        group=Group.MARK,
        summary="Biên tập bản công khai của nội dung; bản gốc được giữ (theo Điều 3 Quy chế)",
        api_path="redact-text",
    ),
    ActionSpec(
        "redact_photo",
        _("Biên tập ảnh công khai"),
        ALL_STATES,
        FLAGGERS,
        None,
        Visibility.INTERNAL,
        _redact_photo,
        inputs=(
            Input(
                "attachment",
                Kind.PUBLIC_IMAGE,
                _("Ảnh"),
                required=True,
                missing=_("Vui lòng chọn một ảnh của phản ánh này."),
            ),
            Input("replacement", Kind.IMAGE, _("Ảnh thay thế (không bắt buộc)")),
            required_text("note", REASON, _("Vui lòng nêu lý do biên tập ảnh."), rows=2),
        ),
        help=_(
            "Thay bản công khai của một ảnh bằng ảnh đã che thông tin (hoặc để trống để gỡ ảnh khỏi trang công "
            "khai). Ảnh gốc vẫn được lưu cho cán bộ có quyền."
        ),
        submit=_("Lưu ảnh công khai"),
        group=Group.MARK,
        summary=(
            "Gỡ bản công khai của một ảnh; bản gốc được giữ (theo Điều 3 Quy chế). "
            "Thay bằng ảnh đã che thông tin: trên trang quản trị"
        ),
        api_path="redact-photo",
    ),
)
