"""Retention (R-13.2): reports are kept; the reporter's personal data is erased a configured time after the
case closed, through the workflow and on the timeline; delivered notifications and Idempotency-Key records are
deleted on schedule. The clock is frozen (time-machine)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from pakn.core.models import IdempotencyRecord
from pakn.notify.models import Delivery, OutboxMessage
from pakn.notify.retention import delivered_purge
from pakn.reports import services
from pakn.reports.audit import verify_all
from pakn.reports.models import Event, Report, State
from pakn.reports.retention import personal_data_anonymise, reports_due_for_anonymisation, retention_sweep
from pakn.reports.selectors import public_events
from pakn.reports.workflow import InvalidTransition
from tests.conftest import VALID, at

pytestmark = pytest.mark.django_db

CLOSED = at("2026-03-02 16:30")  # approved on Monday 2 March 2026


@pytest.fixture
def closed_report(org, submit, settings):
    settings.PAKN_RETENTION_PERSONAL_DATA_DAYS = 1826
    content = f"Rác ùn ứ trước nhà {VALID['reporter_name']}, gọi 0912 345 678 hoặc an@example.vn."
    report = submit(now=at("2026-03-02 08:00"), reporter_email="an@example.vn", content=content).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:30"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 09:00")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã dọn.", now=at("2026-03-02 15:00")
    )
    services.report_approve(report=report, actor=org.commune_leader, now=CLOSED)
    return Report.objects.get(pk=report.pk)


def test_personal_data_is_erased_five_years_after_closing_and_recorded(closed_report):
    """R-13.2, R-3.2: kept until the retention ends, then erased by the system with a timeline entry."""
    day_before = CLOSED + timedelta(days=1826) - timedelta(minutes=1)
    assert retention_sweep(now=day_before).anonymised == 0
    assert Report.objects.get(pk=closed_report.pk).reporter_name == VALID["reporter_name"]

    with time_machine.travel(CLOSED + timedelta(days=1826, minutes=1), tick=False):
        assert retention_sweep().anonymised == 1
    report = Report.objects.get(pk=closed_report.pk)
    assert [report.reporter_name, report.reporter_phone, report.reporter_id_number] == ["", "", ""]
    assert [report.reporter_address, report.reporter_email, report.phone_hash, report.id_number_hash] == [
        ""
    ] * 4
    # The report itself is kept: its state, result and the rest of its text.
    assert (report.state, report.result_text) == (State.RESOLVED, "Đã dọn.")
    assert VALID["reporter_name"] not in report.content and "0912 345 678" not in report.content
    assert "an@example.vn" not in report.content and report.content.startswith("Rác ùn ứ trước nhà ***")
    last = report.events.order_by("-seq").first()
    assert (last.action, last.actor_kind, last.actor_id) == ("anonymise", Event.ActorKind.SYSTEM, None)
    assert last.data == {"retention_days": 1826} and last.visibility == Event.Visibility.PUBLIC
    assert "anonymise" in [e.action for e in public_events(report)]
    assert list(verify_all()) == []  # the timeline still verifies


def test_a_second_sweep_changes_nothing_and_the_action_refuses_twice(closed_report):
    later = CLOSED + timedelta(days=2000)
    assert retention_sweep(now=later).anonymised == 1
    assert retention_sweep(now=later).anonymised == 0
    assert reports_due_for_anonymisation(now=later).count() == 0
    with pytest.raises(InvalidTransition, match="đã được xóa"):
        personal_data_anonymise(report=Report.objects.get(pk=closed_report.pk), now=later)
    assert Event.objects.filter(report=closed_report, action="anonymise").count() == 1


def test_open_cases_and_recent_cases_keep_their_data(org, submit, closed_report, settings):
    """Only closed cases, and only after the configured time since their last change."""
    open_report = submit(now=at("2020-01-06 08:00")).report
    settings.PAKN_RETENTION_PERSONAL_DATA_DAYS = 3650
    assert retention_sweep(now=CLOSED + timedelta(days=2000)).anonymised == 0
    with pytest.raises(InvalidTransition, match="chưa hết thời hạn"):
        personal_data_anonymise(report=closed_report, now=CLOSED + timedelta(days=2000))
    settings.PAKN_RETENTION_PERSONAL_DATA_DAYS = 30
    assert retention_sweep(now=CLOSED + timedelta(days=31)).anonymised == 1
    assert Report.objects.get(pk=open_report.pk).reporter_name == VALID["reporter_name"]


def test_a_late_change_restarts_the_clock(org, closed_report):
    """A reply or a rating after closing is part of the case: the period counts from the last change."""
    from pakn.reports.workflow import ReporterActor

    services.report_rate(
        report=closed_report,
        actor=ReporterActor(closed_report.pk),
        rating="satisfied",
        now=CLOSED + timedelta(days=100),
    )
    assert retention_sweep(now=CLOSED + timedelta(days=1827)).anonymised == 0
    assert retention_sweep(now=CLOSED + timedelta(days=1927)).anonymised == 1


def test_delivered_notifications_are_deleted_after_their_retention(closed_report, settings):
    """Delivered and skipped deliveries go after PAKN_RETENTION_DELIVERED_DAYS; failed and pending stay."""
    settings.PAKN_RETENTION_DELIVERED_DAYS = 90
    deliveries = list(Delivery.objects.filter(outbox__report=closed_report).order_by("pk"))
    assert len(deliveries) >= 4
    Delivery.objects.filter(pk=deliveries[0].pk).update(status=Delivery.Status.FAILED)
    Delivery.objects.filter(pk=deliveries[1].pk).update(status=Delivery.Status.PENDING)
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries[2:]]).update(
        status=Delivery.Status.SENT, sent_at=CLOSED
    )
    messages_before = OutboxMessage.objects.filter(report=closed_report).count()
    assert delivered_purge(now=CLOSED + timedelta(days=89)).deliveries == 0
    result = delivered_purge(now=CLOSED + timedelta(days=91))
    assert result.deliveries == len(deliveries) - 2
    left = set(Delivery.objects.filter(outbox__report=closed_report).values_list("status", flat=True))
    assert left == {Delivery.Status.FAILED, Delivery.Status.PENDING}
    kept_messages = {d.outbox_id for d in deliveries[:2]}
    assert (
        set(OutboxMessage.objects.filter(report=closed_report).values_list("pk", flat=True)) == kept_messages
    )
    assert result.messages == messages_before - len(kept_messages)


def test_the_command_does_all_of_it_on_schedule(closed_report, settings):
    """`pakn retention` (also the worker's daily tasks): personal data, notifications, Idempotency-Keys."""
    settings.PAKN_RETENTION_DELIVERED_DAYS = 90
    Delivery.objects.update(status=Delivery.Status.SENT, sent_at=CLOSED)
    IdempotencyRecord.objects.create(
        scope="public",
        key="k-0000001",
        fingerprint="f",
        status_code=201,
        content_type="x",
        body="{}",
        created_at=CLOSED,
    )
    with time_machine.travel(CLOSED + timedelta(days=1827), tick=False):
        out = StringIO()
        call_command("retention", "--dry-run", stdout=out)
        assert "Phản ánh đến hạn xóa dữ liệu cá nhân (sau 1826 ngày): 1." in out.getvalue()
        out = StringIO()
        call_command("retention", stdout=out)
    text = out.getvalue()
    assert text.startswith("Đã xóa dữ liệu cá nhân của 1 phản ánh kết thúc quá 1826 ngày;")
    assert "1 khóa Idempotency-Key hết hạn" in text
    assert not Delivery.objects.exists() and not IdempotencyRecord.objects.exists()
    assert Report.objects.get(pk=closed_report.pk).reporter_phone == ""


def test_the_worker_runs_it_daily():
    """The huey periodic tasks and their hours (UTC): 02:20 and 02:40 in Viet Nam, and hourly for the keys."""
    from datetime import datetime

    from pakn.core.tasks import purge_idempotency_keys
    from pakn.notify.tasks import purge_delivered
    from pakn.reports.tasks import anonymise_expired

    for task, hour, minute in (
        (anonymise_expired, 19, 20),
        (purge_delivered, 19, 40),
        (purge_idempotency_keys, 5, 17),
    ):
        periodic = task.task_class()
        assert periodic.validate_datetime(datetime(2026, 3, 2, hour, minute)) is True
        assert periodic.validate_datetime(datetime(2026, 3, 2, hour, minute + 1)) is False


def test_an_anonymised_report_keeps_no_way_to_reach_its_reporter(closed_report):
    """R-13.2, R-3.2: after the erasure, deliveries to the reporter (even failed ones) and the messages'
    private part (the reporter's link) go; staff notices follow the usual 90 days."""
    reporter_deliveries = Delivery.objects.filter(outbox__report=closed_report, to_reporter=True)
    assert reporter_deliveries.exists()
    reporter_deliveries.update(status=Delivery.Status.FAILED)
    assert any(m.private_context for m in OutboxMessage.objects.filter(report=closed_report))
    later = CLOSED + timedelta(days=1827)
    retention_sweep(now=later)
    delivered_purge(now=later)
    assert not Delivery.objects.filter(outbox__report=closed_report, to_reporter=True).exists()
    assert not any(m.private_context for m in OutboxMessage.objects.filter(report=closed_report))
