"""Photos, videos and audio of reports and results: type from the bytes, size limits, EXIF-free public copies.

The original file is kept private (staff only); an image also gets a re-encoded public copy without
EXIF or GPS data. Videos and audio keep no public copy: their metadata cannot be stripped without a
transcoder, so they are shown to staff and to the reporter only.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from pakn.reports.models import Attachment, Event, Report

Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs
PUBLIC_IMAGE_MAX_SIDE = 1920


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    """The media type from the first bytes of a file, whatever its name says."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(Attachment.Kind.IMAGE, "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(Attachment.Kind.IMAGE, "image/png", "png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(Attachment.Kind.IMAGE, "image/webp", "webp")
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return Sniffed(Attachment.Kind.IMAGE, "image/heic", "heic")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return Sniffed(Attachment.Kind.AUDIO, "audio/mp4", "m4a")
        if brand.startswith(b"3g"):
            return Sniffed(Attachment.Kind.VIDEO, "video/3gpp", "3gp")
        if brand == b"qt  ":
            return Sniffed(Attachment.Kind.VIDEO, "video/quicktime", "mov")
        return Sniffed(Attachment.Kind.VIDEO, "video/mp4", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed(Attachment.Kind.VIDEO, "video/webm", "webm")
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return Sniffed(Attachment.Kind.AUDIO, "audio/mpeg", "mp3")
    if head.startswith(b"OggS"):
        return Sniffed(Attachment.Kind.AUDIO, "audio/ogg", "ogg")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed(Attachment.Kind.AUDIO, "audio/wav", "wav")
    if head.startswith(b"#!AMR"):
        return Sniffed(Attachment.Kind.AUDIO, "audio/amr", "amr")
    return None


def size_limit(kind: str) -> int:
    """Bytes allowed for a kind of media (settings PAKN_MAX_IMAGE_MB, PAKN_MAX_VIDEO_MB, PAKN_MAX_AUDIO_MB)."""
    return int(settings.PAKN_MEDIA_LIMITS_MB[kind] * 1024 * 1024)


KIND_LABELS: dict[str, str] = {
    Attachment.Kind.IMAGE: "Ảnh",
    Attachment.Kind.VIDEO: "Video",
    Attachment.Kind.AUDIO: "Tệp ghi âm",
}


def check_upload(upload: UploadedFile, *, field: str = "attachments") -> Sniffed:
    """Refuse a file that is not an image, video or audio by its bytes, or that is too large."""
    name = upload.name or "tệp"
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    sniffed = sniff(head)
    if sniffed is None:
        raise ValidationError(
            {field: f"Tệp «{name}» không phải ảnh, video hoặc ghi âm được hỗ trợ."}, code="unsupported_media"
        )
    limit = size_limit(sniffed.kind)
    if (upload.size or 0) > limit:
        raise ValidationError(
            {field: f"{KIND_LABELS[sniffed.kind]} «{name}» quá lớn: tối đa {limit // (1024 * 1024)} MB."},
            code="file_too_large",
        )
    if sniffed.kind == Attachment.Kind.IMAGE and sniffed.content_type != "image/heic":
        try:
            with Image.open(upload) as probe:
                probe.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as e:
            raise ValidationError(
                {field: f"Ảnh «{name}» bị hỏng hoặc không đọc được."}, code="broken_image"
            ) from e
        finally:
            upload.seek(0)
    return sniffed


def public_image_copy(data: bytes) -> bytes:
    """Re-encode an image as JPEG without any EXIF, GPS or other metadata, upright and bounded in size."""
    with Image.open(io.BytesIO(data)) as img:
        upright = ImageOps.exif_transpose(img) or img
        upright = upright.convert("RGB")
        upright.thumbnail((PUBLIC_IMAGE_MAX_SIDE, PUBLIC_IMAGE_MAX_SIDE))
        clean = Image.new("RGB", upright.size)
        clean.paste(upright)
        out = io.BytesIO()
        clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def attachment_add(
    *,
    report: Report,
    upload: UploadedFile,
    by_reporter: bool,
    event: Event | None = None,
    now: datetime | None = None,
) -> Attachment:
    """Store one checked file of a report (or of a result event): the original private, an image's public copy."""
    sniffed = check_upload(upload)
    count = Attachment.objects.filter(report=report).count()
    if count >= settings.PAKN_MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": f"Mỗi phản ánh đính kèm tối đa {settings.PAKN_MAX_ATTACHMENTS} tệp."},
            code="too_many_files",
        )
    data = upload.read()
    digest = hashlib.sha256(data).hexdigest()
    stem = f"{report.tracking_code}-{digest[:12]}"
    attachment = Attachment(
        report=report,
        event=event,
        kind=sniffed.kind,
        content_type=sniffed.content_type,
        size=len(data),
        sha256=digest,
        uploaded_by_reporter=by_reporter,
        created_at=now or timezone.now(),
    )
    with transaction.atomic():
        attachment.file.save(f"{stem}.{sniffed.extension}", ContentFile(data), save=False)
        if sniffed.kind == Attachment.Kind.IMAGE and sniffed.content_type != "image/heic":
            attachment.public_file.save(f"{stem}.jpg", ContentFile(public_image_copy(data)), save=False)
        attachment.save()
    return attachment
