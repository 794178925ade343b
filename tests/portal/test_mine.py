"""Services of "Phản ánh của tôi" (issue 14, item 8; R-3.2, R-7.1, R-8): sign-in by a one-time SMS code with
rate limits, expiry and limited attempts, only one's own reports, a new follow-up link, web push."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pakn.core.crypto import lookup_hash
from pakn.notify import channels
from pakn.notify.models import Kind, OutboxMessage, PushSubscription
from pakn.portal import citizen
from pakn.portal.models import CitizenSession, SignInChallenge
from pakn.reports.models import Report
from pakn.reports.services import report_for_secret

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
OTHER = "0987654321"
STRANGER = "0977111222"
ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Iterator[list[dict[str, str]]]:
    settings.PAKN_SMS_BACKEND = "locmem"
    channels.sms_outbox.clear()
    yield channels.sms_outbox
    channels.sms_outbox.clear()


@pytest.fixture
def delivered(django_capture_on_commit_callbacks: Any) -> Any:
    """`with delivered(): ...` runs the on-commit delivery (huey runs tasks at once in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def code_in(sms: dict[str, str]) -> str:
    found = re.search(r"\b(\d{6})\b", sms["text"])
    assert found, sms["text"]
    return found.group(1)


def request_code(delivered: Any, phone: str = PHONE, address: str = ADDRESS, now: Any = None) -> str:
    with delivered():
        return citizen.sign_in_code_request(phone=phone, address=address, now=now)


def signed_in(delivered: Any, sms_outbox: list[dict[str, str]], phone: str = PHONE) -> CitizenSession:
    key = request_code(delivered, phone)
    session_key = citizen.sign_in_code_check(key=key, code=code_in(sms_outbox[-1]), address=ADDRESS)
    session = citizen.session_for(session_key)
    assert session is not None
    return session


def test_a_code_reaches_a_number_with_reports_through_the_sms_outbox(submit, delivered, sms_outbox):
    """Issue 14.8: the code goes through notify's outbox and SMS gateway, to the normalised number."""
    submit(reporter_phone=PHONE)
    sms_outbox.clear()
    request_code(delivered, phone="+84 912 345 678")
    assert len(sms_outbox) == 1 and sms_outbox[0]["to"] == "+84912345678"
    message = OutboxMessage.objects.get(kind=Kind.SIGN_IN_CODE)
    # The clear context has neither the code nor the number; the delivery's address is encrypted.
    assert code_in(sms_outbox[0]) not in json.dumps(message.context) and "912" not in json.dumps(
        message.context
    )
    assert message.report is None


def test_the_same_answer_whether_or_not_the_number_has_reports_but_no_sms_to_strangers(
    submit, delivered, sms_outbox
):
    """Enumeration: both get a challenge (the same next page); only the number with reports gets an SMS."""
    submit(reporter_phone=PHONE)
    sms_outbox.clear()
    known = request_code(delivered, PHONE)
    unknown = request_code(delivered, STRANGER)
    assert known and unknown and len(known) == len(unknown)
    assert SignInChallenge.objects.count() == 2
    assert [s["to"] for s in sms_outbox] == ["+84912345678"]
    # A guess for the stranger's number is refused like any wrong code.
    with pytest.raises(citizen.CodeRefused) as refused:
        citizen.sign_in_code_check(key=unknown, code="123456", address=ADDRESS)
    assert refused.value.reason == "wrong"


def test_codes_and_numbers_are_stored_only_as_keyed_hashes(submit, delivered, sms_outbox):
    submit(reporter_phone=PHONE)
    key = request_code(delivered)
    code = code_in(sms_outbox[-1])
    challenge = SignInChallenge.objects.get()
    stored = " ".join(str(v) for v in SignInChallenge.objects.values().get().values())
    assert code not in stored and key not in stored and "912345678" not in stored
    assert challenge.phone_hash == lookup_hash("phone", "+84912345678")


def test_an_invalid_number_is_refused_before_anything_is_counted(delivered, sms_outbox):
    with pytest.raises(ValidationError):
        citizen.sign_in_code_request(phone="12345", address=ADDRESS)
    assert not SignInChallenge.objects.exists()


def test_sign_in_shows_every_report_of_the_number_and_only_those(submit, delivered, sms_outbox):
    """Issue 14.8: every report sent from the number (however it was typed), none of another number's."""
    mine1 = submit(reporter_phone="0912 345 678").report
    mine2 = submit(reporter_phone="+84912345678").report
    theirs = submit(reporter_phone=OTHER).report
    session = signed_in(delivered, sms_outbox, phone="0912.345.678")
    codes = [r.tracking_code for r in citizen.own_reports(session)]
    assert sorted(codes) == sorted([mine1.tracking_code, mine2.tracking_code])
    assert theirs.tracking_code not in codes
    row = citizen.own_reports(session)[0]
    assert {"tracking_code", "category", "state", "created_at"} == set(row.__dataclass_fields__)


def test_wrong_guesses_are_limited_then_even_the_right_code_is_refused(
    submit, delivered, sms_outbox, settings
):
    """Brute force: PAKN_CITIZEN_CODE_ATTEMPTS wrong guesses kill the code."""
    settings.PAKN_CITIZEN_CODE_ATTEMPTS = 3
    submit(reporter_phone=PHONE)
    key = request_code(delivered)
    code = code_in(sms_outbox[-1])
    wrong = "000000" if code != "000000" else "111111"
    lefts = []
    for _ in range(3):
        with pytest.raises(citizen.CodeRefused) as refused:
            citizen.sign_in_code_check(key=key, code=wrong, address=ADDRESS)
        lefts.append((refused.value.reason, refused.value.left))
    assert lefts == [("wrong", 2), ("wrong", 1), ("dead", 0)]
    with pytest.raises(citizen.CodeRefused) as refused:
        citizen.sign_in_code_check(key=key, code=code, address=ADDRESS)
    assert refused.value.reason == "dead"
    assert not CitizenSession.objects.exists()


def test_a_code_expires(submit, delivered, sms_outbox, settings):
    settings.PAKN_CITIZEN_CODE_SECONDS = 300
    submit(reporter_phone=PHONE)
    start = timezone.now()
    key = request_code(delivered, now=start)
    code = code_in(sms_outbox[-1])
    with pytest.raises(citizen.CodeRefused) as refused:
        citizen.sign_in_code_check(key=key, code=code, address=ADDRESS, now=start + timedelta(seconds=301))
    assert refused.value.reason == "dead"
    assert citizen.sign_in_code_check(key=key, code=code, address=ADDRESS, now=start + timedelta(seconds=299))


def test_a_code_signs_in_once(submit, delivered, sms_outbox):
    """Replay: the same key and code a second time are refused."""
    submit(reporter_phone=PHONE)
    key = request_code(delivered)
    code = code_in(sms_outbox[-1])
    assert citizen.sign_in_code_check(key=key, code=code, address=ADDRESS)
    with pytest.raises(citizen.CodeRefused) as refused:
        citizen.sign_in_code_check(key=key, code=code, address=ADDRESS)
    assert refused.value.reason == "dead"
    assert CitizenSession.objects.count() == 1


def test_a_new_code_ends_the_previous_ones(submit, delivered, sms_outbox):
    submit(reporter_phone=PHONE)
    first = request_code(delivered)
    first_code = code_in(sms_outbox[-1])
    second = request_code(delivered)
    with pytest.raises(citizen.CodeRefused):
        citizen.sign_in_code_check(key=first, code=first_code, address=ADDRESS)
    assert citizen.sign_in_code_check(key=second, code=code_in(sms_outbox[-1]), address=ADDRESS)


def test_codes_are_limited_per_number_whether_or_not_it_has_reports(submit, delivered, sms_outbox, settings):
    settings.PAKN_CITIZEN_CODES_PER_PHONE_HOUR = 2
    submit(reporter_phone=PHONE)
    for phone in (PHONE, STRANGER):
        for i in range(2):
            request_code(delivered, phone, address=f"198.51.100.{i}")
        with pytest.raises(citizen.RateLimited) as limited:
            request_code(delivered, phone, address="198.51.100.9")
        assert limited.value.retry_after > 0
    assert len(sms_outbox) == 2


def test_codes_are_limited_per_address(delivered, sms_outbox, settings):
    settings.PAKN_CITIZEN_CODES_PER_ADDRESS_HOUR = 3
    for n in range(3):
        request_code(delivered, f"091234560{n}")
    with pytest.raises(citizen.RateLimited):
        request_code(delivered, "0912345609")
    assert request_code(delivered, "0912345609", address="198.51.100.1")


def test_code_checks_are_limited_per_address(submit, delivered, sms_outbox, settings):
    """Brute force across many challenges from one address."""
    settings.PAKN_CITIZEN_CHECKS_PER_ADDRESS_HOUR = 2
    submit(reporter_phone=PHONE)
    key = request_code(delivered)
    for _ in range(2):
        with pytest.raises(citizen.CodeRefused):
            citizen.sign_in_code_check(key=key, code="xxxxxx", address=ADDRESS)
    with pytest.raises(citizen.RateLimited):
        citizen.sign_in_code_check(key=key, code=code_in(sms_outbox[-1]), address=ADDRESS)


def test_a_session_is_short_lived_and_signing_out_ends_it(submit, delivered, sms_outbox, settings):
    settings.PAKN_CITIZEN_SESSION_SECONDS = 1800
    submit(reporter_phone=PHONE)
    key = request_code(delivered)
    start = timezone.now()
    session_key = citizen.sign_in_code_check(
        key=key, code=code_in(sms_outbox[-1]), address=ADDRESS, now=start
    )
    assert citizen.session_for(session_key, now=start + timedelta(seconds=1799)) is not None
    assert citizen.session_for(session_key, now=start + timedelta(seconds=1801)) is None
    assert citizen.sign_out(session_key)
    assert citizen.session_for(session_key, now=start) is None
    assert not citizen.sign_out(session_key)


def test_a_lost_link_is_replaced_for_ones_own_report_only(submit, delivered, sms_outbox):
    """Issue 14.8: a new private link; the old one stops working; later messages carry the new one."""
    with delivered():
        mine = submit(reporter_phone=PHONE)
    theirs = submit(reporter_phone=OTHER).report
    session = signed_in(delivered, sms_outbox)
    new = citizen.followup_link_recover(session, mine.report.tracking_code)
    assert new is not None and new.tracking_code == mine.report.tracking_code
    secret = new.url.rstrip("/").rsplit("/", 1)[1]
    assert report_for_secret(secret) == mine.report
    assert report_for_secret(mine.secret) is None
    received = OutboxMessage.objects.get(kind=Kind.RECEIVED, report=mine.report)
    assert json.loads(received.private_context)["link"] == new.url
    assert citizen.followup_link_recover(session, theirs.tracking_code) is None
    assert Report.objects.get(pk=theirs.pk).secret_hash == theirs.secret_hash


def test_web_push_subscribes_the_browser_to_each_own_report_with_the_ssrf_check(
    submit, delivered, sms_outbox, settings
):
    """Issue 14.8 with issue 10.10: only known push services on public addresses are accepted."""
    settings.PAKN_VAPID_PUBLIC_KEY, settings.PAKN_VAPID_PRIVATE_KEY = "BPublicKeyForTests", "privatekey"
    settings.PAKN_PUSH_PRIVATE_HOSTS = True
    settings.PAKN_PUSH_SERVICES = ["push.example"]
    mine = [submit(reporter_phone=PHONE).report for _ in range(2)]
    theirs = submit(reporter_phone=OTHER).report
    session = signed_in(delivered, sms_outbox)
    keys = {"p256dh": "B" * 87, "auth": "a" * 22}
    assert citizen.push_subscribe_all(session, endpoint="https://push.example/abc", **keys) == 2
    assert {s.report_id for s in PushSubscription.objects.all()} == {r.pk for r in mine}
    assert not PushSubscription.objects.filter(report=theirs).exists()
    with pytest.raises(ValidationError):
        citizen.push_subscribe_all(session, endpoint="http://169.254.169.254/latest/", **keys)
    assert citizen.push_unsubscribe_all(session, endpoint="https://push.example/abc") == 2
    # Later messages about his reports reach the browser (a delivery per subscription).
    assert citizen.push_subscribe_all(session, endpoint="https://push.example/abc", **keys) == 2
    assert PushSubscription.objects.count() == 2


def test_the_hourly_cleanup_forgets_codes_and_sessions_a_day_after_they_expired(
    submit, delivered, sms_outbox
):
    from pakn.portal.services import portal_cleanup

    submit(reporter_phone=PHONE)
    signed_in(delivered, sms_outbox)
    request_code(delivered, STRANGER)
    assert portal_cleanup().sign_ins_deleted == 0
    later = timezone.now() + timedelta(days=1, hours=1)
    assert portal_cleanup(now=later).sign_ins_deleted == 3
    assert not SignInChallenge.objects.exists() and not CitizenSession.objects.exists()


def test_a_new_link_is_not_shown_again_as_the_old_one_by_the_sent_page(org, delivered, sms_outbox):
    """The portal keeps the secret a day for retries of the same submission; a renewed link wipes it."""
    import uuid

    from pakn.portal.models import PortalSubmission
    from pakn.portal.services import portal_report_submit
    from tests.conftest import VALID

    fields = {**VALID, "category": org.category, "area": org.commune_area, "reporter_phone": PHONE}
    sent = portal_report_submit(key=uuid.uuid4(), fields=fields, uploads=[], stashed=[])
    assert PortalSubmission.objects.get().secret
    session = signed_in(delivered, sms_outbox)
    assert citizen.followup_link_recover(session, sent.report.tracking_code) is not None
    assert PortalSubmission.objects.get().secret == ""
