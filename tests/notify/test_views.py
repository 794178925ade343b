"""The console's notification pages: the list, marking read, preferences, push subscription (issue 7)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pakn.notify.models import Kind, Notification, Preference
from pakn.notify.selectors import unread_count
from pakn.notify.services import channels_for, notification_mark_read, preferences_of
from pakn.notify.vapid import generate_vapid_keys
from pakn.reports import services


def notify(user: Any, n: int = 1, **fields: Any) -> list[Notification]:
    now = timezone.now()
    return [
        Notification.objects.create(
            user=user,
            kind=fields.get("kind", Kind.ASSIGNED),
            title=f"Thông báo {i}",
            body="Nội dung <b>thử</b>",
            url=fields.get("url", "/console/"),
            created_at=now - timedelta(minutes=n - i),
        )
        for i in range(n)
    ]


@pytest.fixture
def officer_client(client: Any, people: dict[str, Any]) -> Any:
    client.force_login(people["officer"])
    return client


def test_the_pages_need_a_signed_in_member_of_staff(client, db):
    response = client.get(reverse("notify:list"))
    assert response.status_code == 302 and "/console/dang-nhap/" in response["Location"]
    assert client.post(reverse("notify:read_all")).status_code == 302


def test_the_list_shows_my_notifications_newest_first_and_escaped(officer_client, people):
    mine = notify(people["officer"], 3)
    notify(people["officer2"], 2)
    html = officer_client.get(reverse("notify:list")).content.decode()
    assert html.index("Thông báo 2") < html.index("Thông báo 1") < html.index("Thông báo 0")
    assert html.count('<li class="n-item') == 3
    assert "Nội dung &lt;b&gt;thử&lt;/b&gt;" in html
    assert f'id="n-{mine[0].pk}"' in html


def test_the_header_badge_counts_my_unread_notifications(officer_client, people):
    """Notifications that ask for no step of a case are done once read; the badge counts what is not done."""
    first = notify(people["officer"], 3)[0]
    notification_mark_read(user=people["officer"], notification_id=first.pk)
    assert unread_count(people["officer"]) == 2
    assert unread_count(people["officer2"]) == 0
    html = officer_client.get(reverse("notify:list")).content.decode()
    assert 'data-needs-action="2"' in html


def test_the_unread_filter_and_pagination(officer_client, people):
    notify(people["officer"], 25)
    Notification.objects.filter(title__in=["Thông báo 24", "Thông báo 23"]).update(read_at=timezone.now())
    first = officer_client.get(reverse("notify:list")).content.decode()
    assert first.count('<li class="n-item') == 20 and "Trang 1/2" in first
    second = officer_client.get(reverse("notify:list") + "?trang=2").content.decode()
    assert second.count('<li class="n-item') == 5
    unread = officer_client.get(reverse("notify:list") + "?loc=chua-doc").content.decode()
    assert "Thông báo 24" not in unread and unread.count("is-unread") == 20
    assert officer_client.get(reverse("notify:list") + "?trang=99").status_code == 200  # last page


def test_empty_states(officer_client, people):
    assert "Chưa có thông báo nào." in officer_client.get(reverse("notify:list")).content.decode()
    notify(people["officer"], 1)
    Notification.objects.update(read_at=timezone.now())
    html = officer_client.get(reverse("notify:list") + "?loc=chua-doc").content.decode()
    assert "Bạn đã đọc hết thông báo." in html


def test_marking_one_read_returns_to_the_page(officer_client, people):
    [n] = notify(people["officer"])
    response = officer_client.post(
        reverse("notify:read", args=[n.pk]), {"next": "/console/notifications/?trang=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/console/notifications/?trang=1"
    n.refresh_from_db()
    assert n.read_at is not None
    assert officer_client.get(reverse("notify:read", args=[n.pk])).status_code == 405


def test_marking_read_with_htmx_swaps_the_item(officer_client, people):
    [n] = notify(people["officer"])
    response = officer_client.post(reverse("notify:read", args=[n.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<li class="n-item"') and "is-unread" not in html


def test_nobody_marks_or_opens_someone_elses_notification(officer_client, people):
    [theirs] = notify(people["officer2"])
    assert officer_client.post(reverse("notify:read", args=[theirs.pk])).status_code == 404
    assert officer_client.post(reverse("notify:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_foreign_next_is_not_followed(officer_client, people):
    [n] = notify(people["officer"])
    response = officer_client.post(reverse("notify:read", args=[n.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notify:list")


def test_opening_goes_to_the_case_and_marks_read(officer_client, people, flow, commit):
    report = flow.routed()
    with commit():
        services.report_assign(
            report=report, actor=people["commune_leader"], officer=people["officer"], now=flow.next(report)
        )
    n = Notification.objects.get(user=people["officer"])
    response = officer_client.post(reverse("notify:open", args=[n.pk]))
    assert response["Location"] == f"/console/phan-anh/{report.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_external_url_is_never_a_redirect_target(officer_client, people):
    [n] = notify(people["officer"], url="https://evil.example/")
    assert officer_client.post(reverse("notify:open", args=[n.pk]))["Location"] == reverse("notify:list")


def test_mark_all_read(officer_client, people):
    notify(people["officer"], 3)
    notify(people["officer2"], 1)
    response = officer_client.post(reverse("notify:read_all"), follow=True)
    assert "Đã đánh dấu 3 thông báo là đã đọc." in response.content.decode()
    assert unread_count(people["officer"]) == 0 and unread_count(people["officer2"]) == 1


# --- Preferences ---------------------------------------------------------------------------------------


def test_the_preferences_page_lists_what_concerns_my_role(officer_client, people):
    html = officer_client.get(reverse("notify:preferences")).content.decode()
    assert 'data-kind="assigned"' in html and 'data-kind="overdue"' in html
    assert 'data-kind="routed"' not in html and 'data-kind="daily_digest"' not in html
    # The console of a required kind cannot be unticked; SMS exists only for urgent kinds.
    assert 'name="assigned__console" id="assigned__console" checked disabled' in html
    assert 'name="assigned__sms" id="assigned__sms" disabled' in html
    assert 'name="overdue__sms" id="overdue__sms" checked' in html


def test_saving_preferences_keeps_the_console_of_required_kinds(officer_client, people):
    data = {"overdue__email": "on", "due_soon__console": "on"}  # assigned: everything off
    response = officer_client.post(reverse("notify:preferences"), data)
    assert response.status_code == 302
    prefs = preferences_of(people["officer"])
    assert prefs[Kind.ASSIGNED] == {"console"}  # required: the console stays
    assert prefs[Kind.OVERDUE] == {"console", "email"}  # required; SMS switched off
    assert prefs[Kind.DUE_SOON] == {"console"}
    assert prefs[Kind.RESULT_RETURNED] == set()  # not required: may be off entirely


def test_sms_for_a_kind_that_is_not_urgent_is_refused_beside_the_table(officer_client, people):
    response = officer_client.post(
        reverse("notify:preferences"), {"assigned__sms": "on", "assigned__email": "on"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Không nhận được SMS cho loại «Được phân công xử lý»." in html
    assert 'name="assigned__email" id="assigned__email" checked' in html  # the input is kept
    assert not Preference.objects.exists()


def test_preferences_decide_the_channels_of_the_next_message(officer_client, people, flow, commit):
    officer_client.post(reverse("notify:preferences"), {"assigned__console": "on"})
    assert channels_for(people["officer"], Kind.ASSIGNED, Preference.objects.get(kind=Kind.ASSIGNED)) == [
        "console"
    ]
    report = flow.routed()
    with commit():
        services.report_assign(
            report=report, actor=people["commune_leader"], officer=people["officer"], now=flow.next(report)
        )
    from pakn.notify.models import Delivery

    assert set(Delivery.objects.filter(user=people["officer"]).values_list("channel", flat=True)) == {
        "console"
    }


# --- Push subscription -----------------------------------------------------------------------------------


def test_a_browser_subscribes_and_unsubscribes(officer_client, people, settings):
    keys = generate_vapid_keys()
    settings.PAKN_VAPID_PUBLIC_KEY, settings.PAKN_VAPID_PRIVATE_KEY = keys["public_key"], keys["private_key"]
    body = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "B" * 87, "auth": "a" * 22}}
    response = officer_client.post(
        reverse("notify:push_subscribe"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201
    page = officer_client.get(reverse("notify:preferences")).content.decode()
    assert "Đang nhận thông báo đẩy trên 1 thiết bị." in page and keys["public_key"] in page
    response = officer_client.post(
        reverse("notify:push_unsubscribe"),
        json.dumps({"endpoint": body["endpoint"]}),
        content_type="application/json",
    )
    assert response.json() == {"ok": True, "deleted": 1}


def test_a_bad_subscription_is_refused_with_a_message(officer_client, settings):
    keys = generate_vapid_keys()
    settings.PAKN_VAPID_PUBLIC_KEY, settings.PAKN_VAPID_PRIVATE_KEY = keys["public_key"], keys["private_key"]
    response = officer_client.post(
        reverse("notify:push_subscribe"), "not json", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["ok"] is False


def test_without_vapid_the_page_says_push_is_not_configured(officer_client, settings):
    settings.PAKN_VAPID_PUBLIC_KEY = settings.PAKN_VAPID_PRIVATE_KEY = ""
    html = officer_client.get(reverse("notify:preferences")).content.decode()
    assert "chưa cấu hình thông báo đẩy" in html
    response = officer_client.post(
        reverse("notify:push_subscribe"),
        json.dumps({"endpoint": "https://p/1", "keys": {"p256dh": "B" * 87, "auth": "a" * 22}}),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_the_list_speaks_english_too(officer_client, people):
    """The console's language switch: the notification pages are translated (pakn/locale/en)."""
    notify(people["officer"], 1)
    officer_client.cookies["django_language"] = "en"  # chosen with the language switch
    html = officer_client.get(reverse("notify:list")).content.decode()
    assert "Mark all as read" in html and "Notification settings" in html


def test_every_text_of_the_notification_pages_has_an_english_translation():
    """Each {% translate %} of pakn/notify's templates, and each kind and channel label, is in the English
    catalogue with a translation (the .po is shared: this notices when an entry is lost)."""
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    from pakn.notify.models import Channel

    root = Path(__file__).resolve().parents[2]
    with open(root / "pakn/locale/en/LC_MESSAGES/django.po", "rb") as f:
        catalog = read_po(f)
    from django.utils import translation

    with translation.override("vi"):  # the msgids are the Vietnamese labels
        wanted = {str(label) for label in (*Kind.labels, *Channel.labels)}
    for template in (root / "pakn/notify/templates/notify").glob("*.html"):
        wanted |= set(re.findall(r'{% translate "([^"]+)"', template.read_text()))
    missing = sorted(m for m in wanted if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []
