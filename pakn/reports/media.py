"""Photos, videos and audio of reports and results: type from the bytes, size limits, EXIF-free public copies.

The original file is kept private (staff only); an image also gets a re-encoded public copy without
EXIF or GPS data. Videos and audio keep no public copy: their metadata cannot be stripped without a
transcoder, so they are shown to staff and to the reporter only.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from pakn.org.models import User
from pakn.reports.models import Attachment, Event, Report

PUBLIC_IMAGE_MAX_SIDE = 1920


def max_pixels() -> int:
    """Pixels allowed in an image (PAKN_MAX_IMAGE_PIXELS): checked from the header, before any decoding.

    A 10000×10000 PNG compresses to 97 KB but decodes to hundreds of megabytes; Pillow itself only refuses
    twice its MAX_IMAGE_PIXELS, so the limit is enforced here, on the size the header declares."""
    return int(settings.PAKN_MAX_IMAGE_PIXELS)


def too_many_pixels(img: Image.Image) -> bool:
    width, height = img.size
    return width * height > max_pixels()


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
        message = f"Tệp «{name}» không phải ảnh, video hoặc ghi âm được hỗ trợ."
        raise ValidationError({field: ValidationError(message, code="unsupported_media")})
    limit = size_limit(sniffed.kind)
    if (upload.size or 0) > limit:
        message = f"{KIND_LABELS[sniffed.kind]} «{name}» quá lớn: tối đa {limit // (1024 * 1024)} MB."
        raise ValidationError({field: ValidationError(message, code="file_too_large")})
    if sniffed.kind == Attachment.Kind.IMAGE and sniffed.content_type != "image/heic":
        _check_image(upload, name, field)
    return sniffed


def _check_image(upload: UploadedFile, name: str, field: str) -> None:
    """The header's size within the pixel limit (nothing decoded yet), then Pillow's structural check."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                if too_many_pixels(probe):
                    raise Image.DecompressionBombError(f"{probe.size}")
                probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        megapixels = max_pixels() // 1_000_000
        message = f"Ảnh «{name}» quá lớn về kích thước: tối đa {megapixels} triệu điểm ảnh."
        raise ValidationError({field: ValidationError(message, code="image_too_large")}) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        message = f"Ảnh «{name}» bị hỏng hoặc không đọc được."
        raise ValidationError({field: ValidationError(message, code="broken_image")}) from e
    finally:
        upload.seek(0)


def public_image_copy(data: bytes) -> bytes:
    """Re-encode an image as JPEG without any EXIF, GPS or other metadata, upright and bounded in size."""
    with Image.open(io.BytesIO(data)) as img:
        if too_many_pixels(img):  # every caller checked already; never decode a bomb here either
            raise Image.DecompressionBombError(f"{img.size}")
        # A JPEG decodes at a reduced scale when it is much larger than the public copy (less memory).
        img.draft("RGB", (PUBLIC_IMAGE_MAX_SIDE, PUBLIC_IMAGE_MAX_SIDE))
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
    uploaded_by: User | None = None,
    published_by_event: Event | None = None,
    now: datetime | None = None,
) -> Attachment:
    """Store one checked file of a report (or of a result event): the original private, an image's public copy.

    Every file sits on the timeline: a reporter's without an event belongs to the latest one (the submission);
    a staff file needs its event and its uploader (issue 10, item 6) and is public only once published."""
    if not by_reporter and (event is None or uploaded_by is None):
        raise ValueError("a staff attachment needs the event that adds it and its uploader")
    if event is None:
        event = report.events.order_by("-seq").first()
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
        uploaded_by=uploaded_by,
        published_by_event=published_by_event,
        created_at=now or timezone.now(),
    )
    with transaction.atomic():
        attachment.file.save(f"{stem}.{sniffed.extension}", ContentFile(data), save=False)
        if sniffed.kind == Attachment.Kind.IMAGE and sniffed.content_type != "image/heic":
            attachment.public_file.save(f"{stem}.jpg", ContentFile(public_image_copy(data)), save=False)
        attachment.save()
    return attachment


# --- Thumbnails of public copies (made by the portal on first request) -----------------------------------


def public_copy_version(attachment: Attachment) -> str:
    """Changes whenever the public copy is replaced (a moderator's edit): thumbnails and addresses use it."""
    return hashlib.sha256((attachment.public_file.name or "").encode()).hexdigest()[:12]


def thumbnail_name(attachment: Attachment, side: int) -> str:
    """Where the smaller copy of an attachment's public copy is kept: named after that public copy, so a
    replaced or withdrawn copy's thumbnail is never served again (and `redact_photo` deletes it)."""
    return f"portal-thumbs/{attachment.pk}-{public_copy_version(attachment)}-{side}.jpg"


THUMBNAIL_SIDES = (160, 480)  # the lists' square-ish thumbnail; a report page's photo
