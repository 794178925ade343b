"""Getting in (R-3.1): password sign-in with lock-out, the TOTP second factor (enrolment, verification,
mandatory by setting), idle expiry, password change and reset by e-mail."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.console.access import SEEN_KEY
from tests.conftest import PASSWORD
from tests.console.conftest import signed_in

pytestmark = pytest.mark.django_db
LOGIN = "/console/dang-nhap/"


def login(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    return client.post(
        LOGIN + (f"?next={next_url}" if next_url else ""), {"username": username, "password": password}
    )


def totp_now(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def test_an_official_signs_in_and_lands_on_his_inbox(org):
    client = Client()
    response = login(client, org.operator.username)
    assert response.status_code == 302 and response["Location"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200
    text = page.content.decode()
    assert org.operator.get_full_name() in text and "Cán bộ tiếp nhận (IOC)" in text and org.ioc.name in text


def test_a_wrong_password_is_refused_with_a_vietnamese_message(org):
    response = login(Client(), org.operator.username, "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_out(org):
    """R-3.1: after the failure limit even the right password is refused for the cool-off time."""
    client = Client()
    for _ in range(2):
        assert login(client, org.officer.username, "sai-mat-khau").status_code == 200
    locked = login(client, org.officer.username, "sai-mat-khau")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    still = login(client, org.officer.username, PASSWORD)
    assert still.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another official at the same address is not locked out.
    assert login(Client(), org.operator.username).status_code == 302


def test_the_next_page_is_kept_through_sign_in(org, cases):
    report = cases.received()
    client = Client()
    first = client.get(f"/console/phan-anh/{report.pk}/")
    assert first.status_code == 302 and first["Location"].startswith(LOGIN)
    response = login(client, org.operator.username, next_url=f"/console/phan-anh/{report.pk}/")
    assert response["Location"] == f"/console/phan-anh/{report.pk}/"


def test_signing_out_needs_a_post_and_ends_the_session(org):
    client = signed_in(org.operator)
    assert client.get("/console/dang-xuat/").status_code == 405
    assert client.post("/console/dang-xuat/").status_code == 302
    assert client.get("/console/").status_code == 302


# --- The second factor -------------------------------------------------------------------------------------


def enrol(client: Client) -> TOTPDevice:
    page = client.get(reverse("console:otp_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', page.content.decode())
    assert secret is not None
    raw = secret[1].replace(" ", "")
    assert b32decode(raw + "=" * (-len(raw) % 8)) == device.bin_key  # the secret shown is the device's key
    assert "data:image/svg+xml;base64," in page.content.decode()  # the QR code
    return device


@pytest.fixture
def frozen():
    """The clock stands still: TOTP codes and django-otp's throttling delays do not move under the test."""
    import time_machine

    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


def test_an_official_enrols_an_authenticator_and_then_needs_a_code(org, frozen):
    """R-3.1: enrolment with a QR code and the secret, confirmed by a valid code; every later sign-in asks."""
    user = org.commune_leader
    client = signed_in(user)
    device = enrol(client)
    wrong = client.post(
        reverse("console:otp_enrol"), {"token": "000000" if totp_now(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "Mã xác thực không đúng" in wrong.content.decode()
    # Right after a wrong code even the right one waits (django-otp's throttling against guessing).
    throttled = client.post(reverse("console:otp_enrol"), {"token": totp_now(device)})
    assert throttled.status_code == 400 and "Vui lòng đợi" in throttled.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(reverse("console:otp_enrol"), {"token": totp_now(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    fresh = Client()
    response = login(fresh, user.username)
    assert response.status_code == 302
    blocked = fresh.get("/console/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/console/xac-thuc/")
    assert fresh.get("/console/stats/").status_code == 302  # every console page, other apps' too
    bad = fresh.post("/console/xac-thuc/?next=/console/", {"token": "12345x"})
    assert bad.status_code == 400
    good = fresh.post("/console/xac-thuc/?next=/console/", {"token": totp_now(device, offset=30)})
    assert good.status_code == 302 and good["Location"] == "/console/"
    assert fresh.get("/console/").status_code == 200


def test_a_used_code_cannot_be_replayed(org, frozen):
    user = org.officer
    client = signed_in(user)
    device = enrol(client)
    token = totp_now(device)
    client.post(reverse("console:otp_enrol"), {"token": token})
    other = Client()
    login(other, user.username)
    assert other.post("/console/xac-thuc/", {"token": token}).status_code == 400


@override_settings(PAKN_STAFF_2FA_REQUIRED=True)
def test_the_setting_makes_enrolment_mandatory_before_any_console_page(org):
    client = Client()
    login(client, org.officer.username)
    for url in (
        "/console/",
        "/console/qua-han/",
        "/console/stats/",
        "/console/notifications/",
        "/console/tai-khoan/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            "/console/xac-thuc/dang-ky/"
        ), url
    page = client.get("/console/xac-thuc/dang-ky/")
    assert "bắt buộc" in page.content.decode()
    device = TOTPDevice.objects.get(user=org.officer)
    client.post("/console/xac-thuc/dang-ky/", {"token": totp_now(device)})
    assert client.get("/console/").status_code == 200
    # Turning it off is refused while it is mandatory.
    client.post("/console/tai-khoan/", {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=org.officer, confirmed=True).exists()


def test_an_official_may_turn_the_second_factor_off_with_his_password_when_not_mandatory(org):
    client = signed_in(org.officer)
    device = enrol(client)
    client.post(reverse("console:otp_enrol"), {"token": totp_now(device)})
    assert client.post("/console/tai-khoan/", {"password": "sai"}).status_code == 400
    assert TOTPDevice.objects.filter(user=org.officer).exists()
    assert client.post("/console/tai-khoan/", {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=org.officer).exists()


# --- Sessions ----------------------------------------------------------------------------------------------


@override_settings(PAKN_CONSOLE_IDLE_MINUTES=30)
def test_an_idle_session_expires(org):
    client = signed_in(org.operator)
    assert client.get("/console/").status_code == 200
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


@override_settings(PAKN_CONSOLE_IDLE_MINUTES=30)
def test_activity_keeps_the_session_alive(org):
    client = signed_in(org.operator)
    client.get("/console/")
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/console/").status_code == 200
    assert client.session[SEEN_KEY] >= int(time.time()) - 5


# --- Passwords ---------------------------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_by_e_mail(org):
    user = org.officer
    user.email = "canbo@langson.gov.vn"
    user.save(update_fields=["email"])
    client = Client()
    response = client.post("/console/quen-mat-khau/", {"email": "canbo@langson.gov.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Đặt lại mật khẩu" in message.subject and user.username in message.body
    link = re.search(r"http://testserver(/console/quen-mat-khau/\S+/)", message.body)
    assert link is not None
    form = client.get(link[1], follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")


def test_an_unknown_e_mail_gets_the_same_answer_and_no_mail(org):
    response = Client().post("/console/quen-mat-khau/", {"email": "ai-do@example.com"})
    assert response.status_code == 302 and not mail.outbox


def test_an_official_changes_his_password(org):
    client = signed_in(org.officer)
    response = client.post(
        "/console/tai-khoan/doi-mat-khau/",
        {
            "old_password": PASSWORD,
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    org.officer.refresh_from_db()
    assert org.officer.check_password("Mat-khau-moi-2026")


def test_the_django_admin_needs_the_second_factor_too(org, admin_user, frozen):
    """R-3.1: signing in at /admin/login/ with a password alone does not open the admin of an enrolled user."""
    client = signed_in(admin_user)
    device = enrol(client)
    client.post(reverse("console:otp_enrol"), {"token": totp_now(device)})
    fresh = Client()
    fresh.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD})
    blocked = fresh.get("/admin/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/console/xac-thuc/")
    fresh.post("/console/xac-thuc/", {"token": totp_now(device, offset=30)})
    assert fresh.get("/admin/").status_code == 200


@override_settings(PAKN_STAFF_2FA_REQUIRED=True)
def test_the_django_admin_asks_for_enrolment_when_mandatory(org, admin_user):
    client = Client()
    client.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/console/xac-thuc/dang-ky/")
