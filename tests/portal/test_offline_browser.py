"""R-6.2 offline: the service worker keeps the form on the phone; a report written without a connection is kept in
IndexedDB and sent when the connection returns, exactly once."""

from __future__ import annotations

import re

import pytest

from pakn.portal.models import PortalSubmission
from pakn.reports.models import Report
from tests.conftest import VALID, evaluate_within, wait_until
from tests.portal.conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def install_service_worker(page) -> None:
    page.goto("/gui-phan-anh/")
    evaluate_within(page, "async () => { await navigator.serviceWorker.ready; }")
    wait_until(page, "navigator.serviceWorker.controller !== null")


def fill(page, org, content: str) -> None:
    page.select_option("#id_category", str(org.category.pk))
    page.fill("#id_content", content)
    page.select_option("#id_area", str(org.commune_area.pk))
    page.fill("#id_reporter_name", VALID["reporter_name"])
    page.fill("#id_reporter_phone", VALID["reporter_phone"])
    page.fill("#id_reporter_id_number", VALID["reporter_id_number"])
    page.fill("#id_reporter_address", VALID["reporter_address"])
    page.check("#id_declared_truthful")


def outbox(page) -> list[dict]:
    return evaluate_within(
        page,
        "async () => (await PaknOutbox.all()).map(i => ({key: i.key, status: i.status, result: i.result,"
        " files: (i.files || []).length}))",
    )


def test_a_report_written_offline_is_sent_once_when_the_connection_returns(phone_page, org):
    page = phone_page
    install_service_worker(page)
    page.context.set_offline(True)
    page.reload()  # the form comes from the phone's cache
    fill(page, org, "Viết khi mất sóng: cây đổ chắn đường.")
    page.set_input_files(
        "#id_attachments", files=[{"name": "cay-do.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.click("#submit-button")
    page.wait_for_selector("[data-saved-offline]")
    page.wait_for_selector("[data-outbox=pending]")
    assert page.inner_text("[data-saved-offline]").startswith("Phản ánh đã được lưu trên điện thoại")
    assert "Viết khi mất sóng: cây đổ chắn đường." in page.inner_text("[data-outbox=pending] li")
    kept = outbox(page)
    assert [(i["status"], i["files"]) for i in kept] == [("pending", 1)]
    assert Report.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-outbox=sent]")
    report = Report.objects.get()
    assert report.content == "Viết khi mất sóng: cây đổ chắn đường." and report.attachments.count() == 1
    assert str(PortalSubmission.objects.get().key) == kept[0]["key"]
    assert report.tracking_code in page.inner_text("[data-outbox=sent]")

    # The answer was lost on the way (the phone marks it pending again): sending again changes nothing.
    evaluate_within(
        page,
        """async ([key, category]) => {
            const item = await PaknOutbox.get(key);
            item.status = 'pending';
            item.fields = [['category', category], ['content', 'x'], ['declared_truthful', 'on']];
            await PaknOutbox.put(item);
            await Promise.all([PaknOutbox.syncAll('/gui-phan-anh/'), PaknOutbox.syncAll('/gui-phan-anh/')]);
        }""",
        [kept[0]["key"], str(org.category.pk)],
    )
    again = outbox(page)
    assert again[0]["status"] == "sent" and again[0]["result"]["tracking_code"] == report.tracking_code
    assert again[0]["result"]["created"] is False
    assert Report.objects.count() == 1


def test_the_service_worker_keeps_a_form_whose_post_failed_on_the_way(phone_page, org):
    """The browser believes it is online but the network fails: the worker keeps the report and shows the
    offline page; it is sent later, once."""
    page = phone_page
    install_service_worker(page)
    fill(page, org, "Gửi khi mạng chập chờn.")
    page.context.route(
        re.compile(r".*/gui-phan-anh/$"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    page.click("#submit-button")
    page.wait_for_url(re.compile(r"/offline/\?luu="))
    page.wait_for_selector("[data-outbox=pending]")
    assert Report.objects.count() == 0
    # Issue 14.4: it reads as saved, not as a failure, and the waiting report is listed.
    assert page.locator("h1:visible").inner_text() == "Phản ánh đã được lưu trên điện thoại"
    assert page.get_by_role("link", name="Viết phản ánh").is_visible() is False
    assert "Gửi khi mạng chập chờn." in page.inner_text("[data-outbox=pending] .waiting-list")
    page.context.unroute(re.compile(r".*/gui-phan-anh/$"))
    evaluate_within(page, "() => window.PaknOutboxSync()")
    page.wait_for_selector("[data-outbox=sent]")
    assert Report.objects.count() == 1


def test_pages_open_offline_from_the_phone(phone_page, org):
    page = phone_page
    install_service_worker(page)
    page.context.set_offline(True)
    page.goto("/phan-anh/")  # not kept: the offline page says so and offers the form
    assert "Không có kết nối mạng" in page.locator("h1:visible").inner_text()
    page.get_by_role("link", name="Viết phản ánh").click()
    page.wait_for_selector("#report-form")


def test_a_report_the_server_refuses_can_be_fixed_and_sent(phone_page, org):
    page = phone_page
    install_service_worker(page)
    page.context.set_offline(True)
    page.reload()
    fill(page, org, "Số điện thoại sai.")
    page.fill("#id_reporter_phone", "0000")
    page.click("#submit-button")
    page.wait_for_selector("[data-saved-offline]")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-outbox=error]")
    assert "Số điện thoại không hợp lệ" in page.inner_text("[data-outbox=error]")
    page.click("[data-outbox=error] a.btn")
    wait_until(page, "document.getElementById('id_reporter_phone').value === '0000'")
    assert page.input_value("#id_content") == "Số điện thoại sai."
    page.fill("#id_reporter_phone", VALID["reporter_phone"])
    page.click("#submit-button")
    page.wait_for_url(re.compile(r"/gui-phan-anh/da-gui/"))
    assert Report.objects.count() == 1
    assert outbox(page) == []
