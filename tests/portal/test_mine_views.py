"""The pages of "Phản ánh của tôi" (issue 14, item 8): the journey through the test SMS outbox, the citizen's
session kept apart from staff sessions, sign-out, no phone number in URLs, pages or logs, English."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

from pakn.notify import channels
from pakn.portal.mine import SESSION_COOKIE
from pakn.portal.models import CitizenSession
from pakn.reports.services import report_for_secret

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
SIGN_IN = "/phan-anh-cua-toi/dang-nhap/"
CODE = "/phan-anh-cua-toi/nhap-ma/"
MINE = "/phan-anh-cua-toi/"


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Iterator[list[dict[str, str]]]:
    settings.PAKN_SMS_BACKEND = "locmem"
    channels.sms_outbox.clear()
    yield channels.sms_outbox
    channels.sms_outbox.clear()


def last_code(sms_outbox: list[dict[str, str]]) -> str:
    found = re.search(r"\b(\d{6})\b", sms_outbox[-1]["text"])
    assert found
    return found.group(1)


def sign_in(client: Any, sms_outbox: list[dict[str, str]], capture: Any, phone: str = PHONE) -> Any:
    with capture(execute=True):
        response = client.post(SIGN_IN, {"phone": phone})
    assert response.status_code == 302 and response["Location"] == CODE
    response = client.post(CODE, {"code": last_code(sms_outbox)})
    assert response.status_code == 302 and response["Location"] == MINE
    return response


def test_the_journey_from_the_phone_to_the_list(
    client, submit, sms_outbox, django_capture_on_commit_callbacks
):
    mine = submit(reporter_phone=PHONE).report
    theirs = submit(reporter_phone="0987654321").report
    response = client.get(MINE)
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    page = client.get(SIGN_IN)
    assert "Phản ánh của tôi" in page.content.decode() and 'autocomplete="tel"' in page.content.decode()
    sign_in(client, sms_outbox, django_capture_on_commit_callbacks)
    page = client.get(MINE)
    html = page.content.decode()
    assert page.status_code == 200
    assert mine.tracking_code in html and theirs.tracking_code not in html
    assert mine.category.name in html and "Chờ tiếp nhận" in html
    assert "912" not in html.replace(mine.tracking_code, "")  # no phone number on the page
    assert page["Cache-Control"] == "no-store, private" and page["X-Robots-Tag"] == "noindex"
    cookie = client.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["path"] == MINE and cookie["samesite"] == "Lax"


def test_the_same_page_whether_or_not_the_number_has_reports(
    client, submit, sms_outbox, django_capture_on_commit_callbacks
):
    submit(reporter_phone=PHONE)
    pages = []
    for phone in (PHONE, "0977111222"):
        client.cookies.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SIGN_IN, {"phone": phone})
        assert response.status_code == 302 and response["Location"] == CODE
        pages.append(client.get(CODE).content.decode())
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(pages[0]) == strip(pages[1])


def test_a_wrong_code_says_the_tries_left_and_a_dead_one_asks_for_a_new_code(
    client, submit, sms_outbox, django_capture_on_commit_callbacks, settings
):
    settings.PAKN_CITIZEN_CODE_ATTEMPTS = 2
    submit(reporter_phone=PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_IN, {"phone": PHONE})
    wrong = "000000" if last_code(sms_outbox) != "000000" else "111111"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 400 and "Bạn còn 1 lần thử" in response.content.decode()
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 400 and "Yêu cầu mã mới" in response.content.decode()
    assert client.get(CODE)["Location"] == SIGN_IN  # the challenge cookie is gone


def test_too_many_codes_answer_429_with_retry_after(client, settings, django_capture_on_commit_callbacks):
    settings.PAKN_CITIZEN_CODES_PER_PHONE_HOUR = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(SIGN_IN, {"phone": PHONE}).status_code == 302
        response = client.post(SIGN_IN, {"phone": PHONE})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "quá nhiều lần" in response.content.decode()


def test_an_invalid_number_is_shown_as_a_form_error(client):
    response = client.post(SIGN_IN, {"phone": "12ab"})
    assert response.status_code == 400 and "Số điện thoại không hợp lệ" in response.content.decode()


def test_the_citizen_session_never_opens_the_console(
    client, submit, sms_outbox, django_capture_on_commit_callbacks
):
    submit(reporter_phone=PHONE)
    sign_in(client, sms_outbox, django_capture_on_commit_callbacks)
    assert "_auth_user_id" not in client.session
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/console/dang-nhap/")
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_staff_login_does_not_open_my_reports(client, org):
    client.force_login(org.operator)
    response = client.get(MINE)
    assert response.status_code == 302 and response["Location"] == SIGN_IN


def test_sign_out_ends_the_session_on_the_server(
    client, submit, sms_outbox, django_capture_on_commit_callbacks
):
    submit(reporter_phone=PHONE)
    sign_in(client, sms_outbox, django_capture_on_commit_callbacks)
    stolen = client.cookies[SESSION_COOKIE].value
    response = client.post("/phan-anh-cua-toi/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert client.cookies[SESSION_COOKIE].value == ""
    assert CitizenSession.objects.get().ended_at is not None
    client.cookies[SESSION_COOKIE] = stolen  # a copy of the cookie no longer works
    assert client.get(MINE)["Location"] == SIGN_IN


def test_recover_a_link_for_ones_own_report_and_not_for_another(
    client, submit, sms_outbox, django_capture_on_commit_callbacks
):
    sent = submit(reporter_phone=PHONE)
    theirs = submit(reporter_phone="0987654321").report
    sign_in(client, sms_outbox, django_capture_on_commit_callbacks)
    response = client.post(f"/phan-anh-cua-toi/{sent.report.tracking_code}/duong-dan-moi/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
    url = re.search(r'id="follow-up-url" value="([^"]+)"', response.content.decode()).group(1)
    assert report_for_secret(url.rstrip("/").rsplit("/", 1)[1]) == sent.report
    assert report_for_secret(sent.secret) is None
    assert client.get(url.replace(django_settings.SITE_URL, "")).status_code == 200
    assert client.post(f"/phan-anh-cua-toi/{theirs.tracking_code}/duong-dan-moi/").status_code == 404
    assert client.get(f"/phan-anh-cua-toi/{theirs.tracking_code}/duong-dan-moi/").status_code == 405


def test_recover_needs_a_session(client, submit):
    sent = submit(reporter_phone=PHONE)
    response = client.post(f"/phan-anh-cua-toi/{sent.report.tracking_code}/duong-dan-moi/")
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert report_for_secret(sent.secret) == sent.report


def test_push_endpoints(client, submit, sms_outbox, django_capture_on_commit_callbacks, settings):
    settings.PAKN_VAPID_PUBLIC_KEY, settings.PAKN_VAPID_PRIVATE_KEY = "BPublicKeyForTests", "privatekey"
    body = {"endpoint": "https://push.example/x", "keys": {"p256dh": "B" * 87, "auth": "a" * 22}}
    url = "/phan-anh-cua-toi/thong-bao-day/dang-ky/"
    assert client.post(url, body, content_type="application/json").status_code == 401
    submit(reporter_phone=PHONE)
    sign_in(client, sms_outbox, django_capture_on_commit_callbacks)
    assert 'id="push"' in client.get(MINE).content.decode()
    # Not a known push service (and http): refused, as for staff (docs/security.md, item 10).
    refused = client.post(url, {**body, "endpoint": "http://10.0.0.5/hook"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"]
    settings.PAKN_PUSH_PRIVATE_HOSTS = True
    settings.PAKN_PUSH_SERVICES = ["push.example"]
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201 and response.json() == {"ok": True, "reports": 1}
    gone = client.post(
        "/phan-anh-cua-toi/thong-bao-day/huy/",
        {"endpoint": body["endpoint"]},
        content_type="application/json",
    )
    assert gone.json() == {"ok": True, "deleted": 1}


def test_no_phone_number_in_urls_or_logs(
    client, submit, sms_outbox, django_capture_on_commit_callbacks, caplog
):
    submit(reporter_phone=PHONE)
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(SIGN_IN, {"phone": PHONE})
    second = client.post(CODE, {"code": last_code(sms_outbox)})
    for response in (first, second):
        assert "912" not in response["Location"]
    logged = "\n".join(r.getMessage() + str(getattr(r, "__dict__", "")) for r in caplog.records)
    assert "912345678" not in logged and last_code(sms_outbox) not in logged


def test_without_an_sms_gateway_the_page_says_so(client, settings):
    settings.PAKN_SMS_BACKEND = "off"
    page = client.get(SIGN_IN).content.decode()
    assert "chưa gửi được tin nhắn SMS" in page and 'name="phone"' not in page


def test_the_menu_and_english(client):
    home = client.get("/").content.decode()
    assert 'href="/phan-anh-cua-toi/"' in home and "Phản ánh của tôi" in home
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(SIGN_IN).content.decode()
    assert "My reports" in page and "Send me a code by SMS" in page and "Phản ánh của tôi" not in page
