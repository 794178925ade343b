"""Issue 14, item 7: notifications written before `done_at` existed.

A notification that asks for something (any kind but the taken-over and daily-digest information) is still
to do only when its case is at a step that began before the notification was written and, for a message to
one person about his case, the case is still his: it then asks for that step. Every other one is done now
(its step was done since). Information is done if it was read.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

INFO_KINDS = ("taken_over", "daily_digest")
PERSONAL_KINDS = ("assigned", "result_returned")


def forwards(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    OpinionRequest = apps.get_model("reports", "OpinionRequest")
    Notification.objects.filter(kind__in=INFO_KINDS, read_at__isnull=False).update(done_at=F("read_at"))
    now = timezone.now()
    pending = (
        Notification.objects.exclude(kind__in=INFO_KINDS)
        .filter(done_at__isnull=True)
        .select_related("report")
        .only(
            "pk",
            "read_at",
            "kind",
            "user_id",
            "created_at",
            "report__step",
            "report__step_started_at",
            "report__assignee_id",
        )
    )
    batch = []
    for n in pending.iterator(chunk_size=2000):
        report = n.report
        if report is None:
            if n.read_at is not None:
                n.done_at = n.read_at
                batch.append(n)
            continue
        current = (
            report.step
            and report.step_started_at is not None
            and n.created_at >= report.step_started_at
            and (n.kind not in PERSONAL_KINDS or report.assignee_id == n.user_id)
        )
        if current and n.kind == "opinion_requested":  # asked of a department: until it answered
            current = OpinionRequest.objects.filter(
                report_id=n.report_id, department_id=n.user.agency_id, answered_at__isnull=True
            ).exists()
        if current:
            n.step, n.step_started_at = report.step, report.step_started_at
        else:
            n.done_at = now
        batch.append(n)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["step", "step_started_at", "done_at"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["step", "step_started_at", "done_at"])


class Migration(migrations.Migration):
    dependencies = [("notify", "0007_notification_done")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
