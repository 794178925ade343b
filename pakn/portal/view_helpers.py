"""What the portal's views share: the language rule, private-page headers, upload checks and errors, the
timeline rows and the EXIF-free image responses."""

from __future__ import annotations

import functools
import io
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from PIL import Image

from pakn.portal.labels import ACTION_LABELS, OTHER_ACTION, REPORTER_ACTIONS, STEP_LABELS
from pakn.reports.media import THUMBNAIL_SIDES, check_upload, size_limit, thumbnail_name
from pakn.reports.models import Attachment, Event
from pakn.reports.selectors import reporter_note

R = TypeVar("R", bound=HttpResponseBase)


THUMB_SIDES = {"nho": 480, "mini": 160}  # the size in the photo's address → the longest side (pixels)
assert set(THUMB_SIDES.values()) == set(THUMBNAIL_SIDES), "redact_photo deletes every size"


def vietnamese_unless_chosen(view: Any) -> Any:
    """The portal speaks Vietnamese unless the person chose English with the switch (the language cookie).

    A browser's Accept-Language is not enough: many citizens' phones are set to English.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE  # type: ignore[attr-defined]
        response: HttpResponseBase = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie"])  # the language depends on the cookie
        return response

    return wrapper


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def translate_errors(error: ValidationError) -> dict[str, list[str]]:
    """A core ValidationError as {field: [messages]}, each message translated when the catalog knows it."""
    if hasattr(error, "error_dict"):
        return {field: [_(m) for m in msgs] for field, msgs in error.message_dict.items()}
    return {"__all__": [_(m) for m in error.messages]}


def add_errors(form: Any, error: ValidationError, upload_errors: list[str]) -> None:
    for field, msgs in translate_errors(error).items():
        if field == "attachments":
            upload_errors.extend(msgs)
        elif field in form.fields:
            for m in msgs:
                form.add_error(field, m)
        else:
            for m in msgs:
                form.add_error(None, m)


def check_uploads(files: list[UploadedFile]) -> tuple[list[UploadedFile], list[str]]:
    """Files that pass pakn.reports.media's checks (type from the bytes, size) and the errors of the others."""
    accepted, errors = [], []
    for f in files:
        try:
            check_upload(f)
            accepted.append(f)
        except ValidationError as e:
            errors.extend(translate_errors(e).get("attachments", e.messages))
    return accepted, errors


def media_limits() -> dict[str, int]:
    return {kind: size_limit(kind) for kind in settings.PAKN_MEDIA_LIMITS_MB}


def minutes_text(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    if minutes < 60:
        return _("%(n)d phút") % {"n": minutes}
    hours = (minutes + 59) // 60
    return _("%(n)d giờ") % {"n": hours}


def link_not_found(request: HttpRequest) -> HttpResponse:
    return private(render(request, "portal/link_not_found.html", {"nav": ""}, status=404))


def private(response: R) -> R:
    """The private link's pages: never cached, never indexed, and their address (which holds the secret) never
    sent as a referrer to another site such as a tile server. «same-origin», not «no-referrer»: the latter makes
    browsers send «Origin: null» on the page's own forms, which CSRF protection rightly refuses."""
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def timeline(events: list[Any]) -> list[dict[str, Any]]:
    """Timeline rows from Events (the reporter's view) or PublicEvents (whose notes are already public-only)."""
    rows = []
    for e in events:
        agency = e.agency if isinstance(e.agency, str) else (e.agency.name if e.agency else "")
        by_reporter = e.action in REPORTER_ACTIONS
        # A deadline is shown, with "on time" or "late", only when Decision 826 sets it (a target is internal).
        statutory = getattr(e, "statutory", True) is True  # PublicEvents carry statutory deadlines only
        rows.append(
            {
                "at": e.at,
                "action": e.action,
                "label": ACTION_LABELS.get(e.action, OTHER_ACTION),
                # Who acted: the reporter for the reporter's own actions (a rating is the reporter's, of the
                # agency's result), otherwise the agency.
                "agency": "" if by_reporter else agency,
                "about": agency if e.action == "rate" else "",
                "target_agency": e.target_agency
                if isinstance(e.target_agency, str)
                else (e.target_agency.name if e.target_agency else ""),
                "to_state": e.to_state,
                # The reporter's view reads each note as the reporter may (never a staff note, issue 14).
                "note": reporter_note(e) if isinstance(e, Event) else e.note,
                "step": STEP_LABELS.get(e.step, "") if e.step and statutory else "",
                "step_due_at": e.step_due_at if statutory else None,
                "on_time": e.on_time if statutory else None,
                "is_reporter": by_reporter or getattr(e, "actor_kind", "") == Event.ActorKind.REPORTER,
            }
        )
    return rows


def image_response(attachment: Attachment, side: int | None, *, public_cache: bool = True) -> FileResponse:
    """An EXIF-free image: the public copy, or a smaller copy of it made once, on first request, and kept
    (named after the public copy, so a moderator's replacement gets new thumbnails)."""
    name = attachment.public_file.name
    if side is not None:
        thumb_name = thumbnail_name(attachment, side)
        if not default_storage.exists(thumb_name):
            with attachment.public_file.open("rb") as f, Image.open(f) as img:
                small = img.convert("RGB")
                small.thumbnail((side, side))
                out = io.BytesIO()
                small.save(out, format="JPEG", quality=80, optimize=True)
            saved = default_storage.save(thumb_name, ContentFile(out.getvalue()))
            if saved != thumb_name:  # made at the same moment by another request: keep one copy
                default_storage.delete(saved)
        name = thumb_name
    response = FileResponse(default_storage.open(str(name), "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400" if public_cache else "private, no-store"
    response["Content-Disposition"] = (
        f'inline; filename="{attachment.report.tracking_code}-{attachment.pk}.jpg"'
    )
    return response
