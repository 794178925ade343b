"""Public reads shared by the portal, the REST API and Open311: the public queryset and which attachments
are public (R-9.2, R-3.2). The public types themselves (PublicReport, PublicEvent) are in `selectors`.

Personal-data columns are deferred on every query here, so they are never even decrypted for a public answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from pakn.reports.models import PERSONAL_FIELDS, Attachment, Report, State
from pakn.reports.selectors import public_reports

# The columns a public answer never reads: the reporter's data and the keyed hashes that identify him.
HIDDEN_FIELDS = (*PERSONAL_FIELDS, "phone_hash", "id_number_hash", "secret_hash")

# States in which the IOC has accepted the report (step 2 done): the reporter's photos become public then.
ACCEPTED_STATES = frozenset(
    {State.ROUTED, State.IN_PROGRESS, State.AWAITING_APPROVAL, State.COORDINATING, State.RESOLVED}
)


def public_queryset() -> QuerySet[Report]:
    """Public reports with what a public answer shows, without any personal-data column."""
    return public_reports().select_related("category", "area", "agency").defer(*HIDDEN_FIELDS)


# --- Attachments -------------------------------------------------------------------------------------------


def attachment_is_public(attachment: Attachment, report: Report) -> bool:
    """An image's public copy (EXIF-free, or a staff redaction) is public when the report is public and:
    the reporter's once the IOC has accepted the report (step 2); a staff file only once an action published
    it (the approval of the result, or "publish_media") and while the report is resolved (issue 10, item 6)."""
    if not attachment.public_file or report.is_state_secret or report.is_abusive:
        return False
    if attachment.uploaded_by_reporter:
        return report.state in ACCEPTED_STATES
    return report.state == State.RESOLVED and attachment.published_by_event_id is not None


def public_media_by_report(reports: Iterable[Report]) -> dict[int, list[Attachment]]:
    """The public media of several reports in one query."""
    by_pk = {r.pk: r for r in reports}
    found: dict[int, list[Attachment]] = {pk: [] for pk in by_pk}
    if not by_pk:
        return found
    rows = (
        Attachment.objects.filter(report_id__in=list(by_pk))
        .exclude(public_file="")
        .only(
            "pk",
            "report_id",
            "kind",
            "public_file",
            "uploaded_by_reporter",
            "published_by_event",
            "created_at",
        )
        .order_by("created_at", "pk")
    )
    for attachment in rows:
        report = by_pk[attachment.report_id]
        if attachment_is_public(attachment, report):
            found[report.pk].append(attachment)
    return found


def list_photos(reports: Iterable[Report]) -> dict[int, Attachment]:
    """The photo each report shows in public lists (issue 14, item 12): its first public image, never one a
    moderator edited or withdrew (`redacted`: the list shows none rather than a replacement), never before the
    IOC accepted the report; one query for the page."""
    by_pk = {r.pk: r for r in reports}
    found: dict[int, Attachment] = {}
    if not by_pk:
        return found
    rows = (
        Attachment.objects.filter(report_id__in=list(by_pk), kind=Attachment.Kind.IMAGE, redacted=False)
        .exclude(public_file="")
        .only("pk", "report_id", "kind", "public_file", "uploaded_by_reporter", "published_by_event")
        .order_by("-uploaded_by_reporter", "created_at", "pk")
    )
    for attachment in rows:
        if attachment.report_id not in found and attachment_is_public(
            attachment, by_pk[attachment.report_id]
        ):
            found[attachment.report_id] = attachment
    return found


def public_media_path(attachment: Attachment, tracking_code: str) -> str:
    """The URL of an attachment's public copy (the portal serves and guards it; reversed by name, so the
    core depends on no surface)."""
    for args in ([attachment.pk], [tracking_code, attachment.pk]):
        try:
            return reverse("portal:public_media", args=args)
        except NoReverseMatch:
            continue
    return f"/media/public/{attachment.pk}/"
