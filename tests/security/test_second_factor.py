"""Item 1 of issue 10: the second factor cannot be defeated with the password alone (R-3.1)."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.api.models import ApiToken
from tests.console.conftest import signed_in
from tests.security.conftest import api_login, console_login, enrolled, totp_now

pytestmark = pytest.mark.django_db
ENROL = "/console/xac-thuc/dang-ky/"


def _enrol_with_password_only(user) -> Client:
    """The attack: the password step, then `?lai=1` to enrol the attacker's own authenticator."""
    attacker = Client()
    assert console_login(attacker, user.username).status_code == 302
    attacker.get(ENROL + "?lai=1")
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    code = totp_now(pending) if pending is not None else "000000"
    attacker.post(ENROL + "?lai=1", {"token": code})
    return attacker


def test_reenrol_second_factor_without_current_factor_is_refused(org, frozen):
    """R-3.1: a stolen password does not replace the official's authenticator nor open the console."""
    victim = org.commune_leader
    device = enrolled(victim)
    attacker = Client()
    console_login(attacker, victim.username)
    page = attacker.get(ENROL + "?lai=1")
    assert page.status_code == 302 and page["Location"].startswith("/console/xac-thuc/")
    assert not page["Location"].startswith(ENROL)
    _enrol_with_password_only(victim)
    assert list(TOTPDevice.objects.filter(user=victim, confirmed=True)) == [device]
    assert not TOTPDevice.objects.filter(user=victim, confirmed=False).exists()
    inbox = attacker.get("/console/")
    assert inbox.status_code == 302 and inbox["Location"].startswith("/console/xac-thuc/?")


def test_api_token_with_authenticator_enrolled_by_password_alone_is_refused(org, frozen):
    """The API token endpoint cannot be reached through an authenticator the attacker enrolled."""
    victim = org.commune_leader
    own = enrolled(victim)
    _enrol_with_password_only(victim)
    # The attack enrolled nothing (this loop of checks used to run over no device at all) ...
    assert list(TOTPDevice.objects.filter(user=victim)) == [own]
    # ... and a device left unconfirmed, as a begun enrolment leaves it, does not open the API either.
    pending = TOTPDevice.objects.create(user=victim, name="pending", confirmed=False)
    response = api_login(Client(), victim.username, otp_code=totp_now(pending))
    assert response.status_code == 401
    refused = api_login(Client(), victim.username)
    assert refused.status_code == 403 and refused.json()["code"] == "otp_required"
    assert not ApiToken.objects.filter(user=victim).exists()


def test_reenrolment_with_the_current_factor_replaces_the_authenticator(org, frozen):
    """The official himself (past the second step with his current phone) moves to a new phone."""
    user = org.commune_leader
    old = enrolled(user)
    client = Client()
    console_login(client, user.username)
    assert client.post("/console/xac-thuc/", {"token": totp_now(old)}).status_code == 302
    assert client.get(ENROL + "?lai=1").status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(ENROL + "?lai=1", {"token": totp_now(new)})
    assert done.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [(new.pk, True)]


def test_administrator_reset_of_second_factor_is_recorded_and_allows_enrolment(org, frozen):
    """A lost phone: only the administrator's reset, recorded with its reason, lets a new one be enrolled."""
    from pakn.org.models import AccountEvent
    from tests.console.conftest import make_user

    user = org.officer
    enrolled(user)
    token = api_login(Client(), user.username, otp_code=totp_now(TOTPDevice.objects.get(user=user)))
    assert token.status_code == 201
    admin = make_user(org.ioc, "admin")
    admin_client = signed_in(admin)
    url = f"/admin/org/user/{user.pk}/dat-lai-xac-thuc/"
    assert admin_client.post(url, {"reason": ""}).status_code == 200  # a reason is required
    assert TOTPDevice.objects.filter(user=user).exists()
    done = admin_client.post(url, {"reason": "Mất điện thoại, đã xác minh trực tiếp."})
    assert done.status_code == 302
    event = AccountEvent.objects.get(user=user)
    assert (event.action, event.actor, event.reason) == (
        "second_factor_reset",
        admin,
        "Mất điện thoại, đã xác minh trực tiếp.",
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert ApiToken.objects.get(user=user).revoked_reason == "second_factor"
    client = Client()
    console_login(client, user.username)
    assert client.get(ENROL).status_code == 200  # he enrols his new phone


def test_officials_cannot_reset_a_second_factor(org):
    from pakn.org.models import AccountEvent

    user = org.officer
    enrolled(user)
    response = signed_in(org.commune_leader).post(
        f"/admin/org/user/{user.pk}/dat-lai-xac-thuc/", {"reason": "x"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert TOTPDevice.objects.filter(user=user).exists() and not AccountEvent.objects.exists()


def test_admin_cannot_read_an_officials_totp_secret(org):
    """django_otp's admin shows any device's QR code: an administrator could clone an official's factor."""
    from tests.console.conftest import make_user

    device = enrolled(org.officer)
    client = signed_in(make_user(org.ioc, "admin"))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    base = f"/admin/otp_totp/totpdevice/{device.pk}"
    # The secret's pages do not exist (the admin sends an unknown object's page back to its index); the
    # change page is shown, without the secret.
    landed = {"config/": "/admin/", "qrcode/": "/admin/", "change/": None}
    for page, index in landed.items():
        response = client.get(f"{base}/{page}", follow=True)
        assert response.status_code == 200, page
        assert (response.redirect_chain[-1][0] if response.redirect_chain else None) == index, page
        text = response.content.decode(errors="replace")
        assert secret not in text and device.key not in text and "otpauth://" not in text, page
        assert response.get("Content-Type", "").startswith("text/html"), page  # not the QR code image
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
