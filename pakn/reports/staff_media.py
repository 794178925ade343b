"""Which staff files a result's approval publishes (issue 10, item 6): shared by the workflow's effects and
the moderation actions, with no import of either."""

from __future__ import annotations

from typing import Any

from pakn.reports.models import Attachment, Event, Report


def result_media(report: Report) -> list[int]:
    """Staff files not published yet (sent with the result or added while handling the case): approving
    the result publishes them, as the leader approves the case with its photos. A file added after the
    result needs `publish_media`."""
    return list(
        Attachment.objects.filter(report=report, uploaded_by_reporter=False, published_by_event__isnull=True)
        .exclude(public_file="")
        .values_list("pk", flat=True)
    )


def publish_after(ids: list[int]) -> Any:
    def publish(event: Event) -> None:
        Attachment.objects.filter(pk__in=ids, published_by_event__isnull=True).update(
            published_by_event=event
        )

    return publish
