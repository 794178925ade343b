"""Staff files of a case and which of them a result's approval publishes (issue 10, item 6): shared by the
workflow's effects, the moderation actions and the surfaces' choices, with no import of any of them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pakn.reports.models import Attachment, Event, Report


def unpublished_staff_media(report: Report) -> QuerySet[Attachment]:
    """Staff files with a public copy not published yet: what `publish_media` may publish."""
    return Attachment.objects.filter(
        report=report, uploaded_by_reporter=False, published_by_event__isnull=True
    ).exclude(public_file="")


def public_images(report: Report) -> QuerySet[Attachment]:
    """Images of the report with a public copy: what `redact_photo` may replace or withdraw."""
    return Attachment.objects.filter(report=report, kind=Attachment.Kind.IMAGE).exclude(public_file="")


def result_media(report: Report) -> list[int]:
    """Staff files not published yet (sent with the result or added while handling the case): approving
    the result publishes them, as the leader approves the case with its photos. A file added after the
    result needs `publish_media`."""
    return list(unpublished_staff_media(report).values_list("pk", flat=True))


def publish_after(ids: list[int]) -> Any:
    def publish(event: Event) -> None:
        Attachment.objects.filter(pk__in=ids, published_by_event__isnull=True).update(
            published_by_event=event
        )

    return publish
