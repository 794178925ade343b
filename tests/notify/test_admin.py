"""The administrator's side (issue 7): the failed list and its retry, the editable templates."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pakn.notify import delivery as worker
from pakn.notify.models import Delivery, Kind, MessageTemplate
from tests.notify.conftest import START
from tests.notify.gateway import Gateway


@pytest.fixture
def admin_client_(client: Any, django_user_model: Any) -> Any:
    admin = django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "Mat-khau-dai-2026!")
    client.force_login(admin)
    return client


def test_every_kind_and_channel_has_a_seeded_vietnamese_template(db):
    """The data migrations seed each text; staff kinds on 4 channels, reporter kinds on 3, the citizen's
    sign-in code by SMS, the follower's code by SMS and their updates by SMS and push."""
    from pakn.notify.models import CITIZEN_KINDS, FOLLOWER_KINDS, REPORTER_KINDS, STAFF_KINDS

    assert len(FOLLOWER_KINDS) == 2
    assert (
        MessageTemplate.objects.count()
        == len(REPORTER_KINDS) * 3 + len(STAFF_KINDS) * 4 + len(CITIZEN_KINDS) + 3
    )
    assert (
        MessageTemplate.objects.get(kind=Kind.OVERDUE, channel="console").subject
        == "Phản ánh {{ code }} đã quá hạn"
    )


def test_the_admin_sees_failed_deliveries_masked_and_retries_them(admin_client_, flow, settings):
    """A failed SMS is listed with a masked number; the action sends it again with the same key."""
    settings.PAKN_NOTIFY_MAX_ATTEMPTS = 1
    with Gateway() as gateway:
        settings.PAKN_SMS_BACKEND, settings.PAKN_SMS_GATEWAY_URL = "http", gateway.url
        gateway.log.fail_with = [503]
        flow.received()
        d = Delivery.objects.get(channel="sms", to_reporter=True)
        assert worker.attempt(d.pk, now=START) == Delivery.Status.FAILED
        page = admin_client_.get(
            reverse("admin:notify_delivery_changelist") + "?status__exact=failed"
        ).content.decode()
        assert "+849***678" in page and "912345678" not in page
        detail = admin_client_.get(reverse("admin:notify_delivery_change", args=[d.pk])).content.decode()
        assert "503" in detail and "912345678" not in detail
        response = admin_client_.post(
            reverse("admin:notify_delivery_changelist"),
            {"action": "retry_deliveries", "_selected_action": [d.pk]},
            follow=True,
        )
        assert "Đã đưa 1 lượt gửi vào hàng đợi gửi lại." in response.content.decode()
        # The test transaction never commits, so deliver it as the worker would.
        assert worker.attempt(d.pk) == Delivery.Status.SENT
        assert list(gateway.log.accepted) == [d.idempotency_key]


def test_the_outbox_pages_render(admin_client_, flow):
    flow.received()
    assert admin_client_.get(reverse("admin:notify_outboxmessage_changelist")).status_code == 200
    from pakn.notify.models import OutboxMessage

    message = OutboxMessage.objects.get(kind=Kind.RECEIVED)
    page = admin_client_.get(reverse("admin:notify_outboxmessage_change", args=[message.pk])).content.decode()
    assert flow.secret not in page  # the private link stays private


def test_a_template_with_a_syntax_error_is_refused_beside_its_field(admin_client_, db):
    template = MessageTemplate.objects.get(kind=Kind.OVERDUE, channel="sms")
    url = reverse("admin:notify_messagetemplate_change", args=[template.pk])
    page = admin_client_.get(url).content.decode()
    assert "{{ due_at }}" in page  # the variables are listed
    response = admin_client_.post(
        url,
        {
            "kind": Kind.OVERDUE,
            "channel": "sms",
            "subject": "",
            "body": "{% if code %}quá hạn",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Mẫu có lỗi cú pháp" in response.content.decode()
    template.refresh_from_db()
    assert "{% if" not in template.body


def test_an_edited_template_is_used_for_the_next_message(flow, people, commit, sms_outbox):
    MessageTemplate.objects.filter(kind=Kind.RECEIVED, channel="sms").update(body="Mã của bạn: {{ code }}")
    with commit():
        report = flow.received()
    assert [m["text"] for m in sms_outbox] == [f"Mã của bạn: {report.tracking_code}"]


def test_the_settings_are_checked_at_start(settings):
    """Unknown SMS kinds stop the start; in production, SMS that go nowhere and missing VAPID keys warn."""
    from pakn.notify.apps import check_settings

    assert check_settings() == []
    settings.PAKN_NOTIFY_SMS_KINDS = ["overdue", "khong-co"]
    settings.PRODUCTION = True
    settings.PAKN_SMS_BACKEND = "console"
    settings.PAKN_VAPID_PRIVATE_KEY = ""
    assert [m.id for m in check_settings()] == ["notify.E001", "notify.W001", "notify.W002"]


def test_the_admin_finds_deliveries_by_tracking_code(admin_client_, flow):
    report = flow.received()
    page = admin_client_.get(reverse("admin:notify_delivery_changelist") + f"?q={report.tracking_code}")
    assert page.status_code == 200 and page.content.decode().count('class="action-select"') == 6
