"""Followers of a public report (issue 14, item 9; R-9.2, R-3.2): SMS confirmed with a one-time code, web
push, the public updates they hear of, the link to stop, and the duplicate's reporter who follows the
original."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pakn.core.crypto import lookup_hash
from pakn.notify import follow as following
from pakn.notify.models import Delivery, Follower, Kind, OutboxMessage, PushSubscription
from pakn.reports import services
from pakn.reports.models import Report
from tests.notify.conftest import START, Flow

PHONE = "0987 654 321"
E164 = "+84987654321"


@pytest.fixture
def flow(org: Any, submit: Any, people: Any) -> Flow:
    return Flow(org, submit, people)


def _code_sent(report: Report) -> str:
    message = OutboxMessage.objects.filter(kind=Kind.FOLLOW_CODE, report=report).latest("pk")
    return str(json.loads(message.private_context)["otp"])


def _follow(report: Report, commit: Any, phone: str = PHONE, client: str = "10.0.0.1") -> Follower:
    with commit():
        following.follow_by_sms(report=report, phone=phone, client=client, now=START)
    return following.follow_confirm(
        report=report, phone=phone, code=_code_sent(report), client=client, now=START + timedelta(minutes=1)
    )


def test_a_phone_follows_once_its_code_is_confirmed(flow, commit, sms_outbox):
    """R-9.2: the code goes by SMS to the phone given; a wrong code does not confirm; the right one does."""
    report = flow.received()
    sms_outbox.clear()
    with commit():
        follower = following.follow_by_sms(report=report, phone=PHONE, client="10.0.0.1", now=START)
    assert follower.confirmed_at is None
    [sms] = sms_outbox
    code = _code_sent(report)
    assert sms["to"] == E164 and code in sms["text"] and report.tracking_code in sms["text"]
    with pytest.raises(ValidationError):
        following.follow_confirm(
            report=report, phone=PHONE, code="000000" if code != "000000" else "111111", client="x", now=START
        )
    confirmed = following.follow_confirm(report=report, phone=PHONE, code=code, client="x", now=START)
    assert confirmed.pk == follower.pk and confirmed.confirmed_at is not None
    assert following.follower_count(report) == 1


def test_the_code_expires_and_five_wrong_codes_void_it(flow, commit):
    """R-9.2: a one-time code lasts ten minutes and survives only four wrong tries."""
    report = flow.received()
    with commit():
        following.follow_by_sms(report=report, phone=PHONE, client="10.0.0.1", now=START)
    code = _code_sent(report)
    with pytest.raises(ValidationError):
        following.follow_confirm(
            report=report, phone=PHONE, code=code, client="x", now=START + timedelta(minutes=11)
        )
    for _ in range(5):
        with pytest.raises(ValidationError):
            following.follow_confirm(report=report, phone=PHONE, code="12345x", client="x", now=START)
    with pytest.raises(ValidationError):  # the right code, too late: five wrong ones voided it
        following.follow_confirm(report=report, phone=PHONE, code=code, client="x", now=START)
    assert following.follower_count(report) == 0


def test_codes_are_rate_limited_per_phone_and_per_address(flow, commit, settings):
    """R-9.2: one-time codes cost an SMS each: three per phone and ten per address an hour by default."""
    report = flow.received()
    settings.PAKN_FOLLOW_CODES_PER_PHONE_HOUR = 2
    with commit():
        for _ in range(2):
            following.follow_by_sms(report=report, phone=PHONE, client="10.0.0.9", now=START)
    with pytest.raises(following.FollowRefused) as refused:
        following.follow_by_sms(report=report, phone=PHONE, client="10.0.0.9", now=START)
    assert refused.value.retry_after > 0
    settings.PAKN_FOLLOW_CODES_PER_ADDRESS_HOUR = 4  # three hits so far, refused ones included
    with commit():
        following.follow_by_sms(report=report, phone="0912 000 111", client="10.0.0.9", now=START)
    with pytest.raises(following.FollowRefused):
        following.follow_by_sms(report=report, phone="0912 000 222", client="10.0.0.9", now=START)


def test_followers_hear_of_public_updates_with_a_link_to_stop(flow, commit, sms_outbox, people):
    """R-9.2: forwarded and resolved reach confirmed followers (never unconfirmed ones), with the public
    page and a link that stops the messages."""
    report = flow.received()
    _follow(report, commit)
    with commit():
        following.follow_by_sms(
            report=report, phone="0912 111 222", client="10.0.0.2", now=START
        )  # unconfirmed
    sms_outbox.clear()
    with commit():
        services.report_forward(report=report, actor=people["operator"], now=flow.next(report))
    to_followers = [s for s in sms_outbox if s["to"] in (E164, "+84912111222")]
    assert [s["to"] for s in to_followers] == [E164]
    text = to_followers[0]["text"]
    assert f"/phan-anh/{report.tracking_code}/" in text and "/ngung-theo-doi/" in text
    token = text.split("/ngung-theo-doi/")[1].split("/")[0]
    # Handled and approved: the result is published, the follower hears of it.
    sms_outbox.clear()
    with commit():
        services.report_assign(
            report=report, actor=people["commune_leader"], officer=people["officer"], now=flow.next(report)
        )
        services.report_submit_result(
            report=report, actor=people["officer"], result_text="Đã vá.", now=flow.next(report)
        )
        services.report_approve(report=report, actor=people["commune_leader"], now=flow.next(report))
    assert [s for s in sms_outbox if s["to"] == E164 and "Đã có kết quả xử lý" in s["text"]]
    # The link stops it.
    assert following.unfollow(token=token) == report
    assert following.follower_count(report) == 0
    assert following.unfollow(token=token) is None
    assert following.unfollow(token=token[:-2] + "xx") is None


def test_internal_steps_and_hidden_reports_tell_followers_nothing(flow, commit, people):
    """R-9.2, R-3.2: an assignment is not a public update for followers; a report marked state secret
    is not followed nor told of."""
    report = flow.routed()
    _follow(report, commit)
    services.report_assign(
        report=report, actor=people["commune_leader"], officer=people["officer"], now=flow.next(report)
    )
    assert not OutboxMessage.objects.filter(kind=Kind.FOLLOWED_UPDATE, report=report).exists()
    report.refresh_from_db()
    Report.objects.filter(pk=report.pk).update(is_state_secret=True)
    report.refresh_from_db()
    assert not following.followable(report)
    with pytest.raises(ValidationError):
        following.follow_by_sms(report=report, phone="0912 333 444", client="x", now=START)


def test_push_followers_are_kept_apart_from_the_reporter(flow, settings):
    """R-3.2: a follower's browser gets the public update, never the reporter's private messages."""
    settings.PAKN_VAPID_PRIVATE_KEY = settings.PAKN_VAPID_PRIVATE_KEY or "test-key"
    report = flow.received()
    keys = {"p256dh": "B" * 87, "auth": "A" * 22}
    follower = following.follow_by_push(report=report, endpoint="https://push.example/f1", client="x", **keys)
    assert follower is not None and follower.confirmed_at is not None
    again = following.follow_by_push(report=report, endpoint="https://push.example/f1", client="x", **keys)
    assert again is not None and again.pk == follower.pk
    subscription = PushSubscription.objects.get(pk=follower.subscription_id)
    assert subscription.follows and subscription.report_id == report.pk
    from pakn.notify.services import reporter_deliveries

    message = OutboxMessage.objects.filter(kind=Kind.RECEIVED, report=report).get()
    assert not [d for d in reporter_deliveries(message, report) if d.subscription_id == subscription.pk]
    assert following.unfollow(token=following.unsubscribe_token(follower)) == report
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_a_duplicate_reporter_is_told_the_original_code_and_follows_it(
    flow, commit, sms_outbox, people, org, submit
):
    """R-5.3, R-9.2: linking a duplicate tells its reporter (with the original's tracking code) and makes
    their phone follow the original; the original's next public update reaches them."""
    original = flow.routed()
    duplicate = submit(now=START + timedelta(minutes=30), reporter_phone="0913 222 333").report
    sms_outbox.clear()
    with commit():
        services.report_link_duplicate(
            report=duplicate,
            actor=people["operator"],
            original=original.tracking_code,
            now=START + timedelta(minutes=40),
        )
    told = [s for s in sms_outbox if s["to"] == "+84913222333"]
    assert (
        len(told) == 1
        and original.tracking_code in told[0]["text"]
        and duplicate.tracking_code in told[0]["text"]
    )
    follower = Follower.objects.get(report=original)
    assert follower.origin == Follower.Origin.DUPLICATE and follower.confirmed_at is not None
    assert follower.phone_hash == lookup_hash("phone", "+84913222333")
    original.refresh_from_db()  # its timeline got the link: a new version
    sms_outbox.clear()
    with commit():
        services.report_assign(
            report=original,
            actor=people["commune_leader"],
            officer=people["officer"],
            now=START + timedelta(minutes=50),
        )
        services.report_escalate(
            report=original,
            actor=people["commune_leader"],
            note="Vượt thẩm quyền.",
            now=START + timedelta(minutes=60),
        )
    assert [s for s in sms_outbox if s["to"] == "+84913222333" and original.tracking_code in s["text"]]


def test_follower_phones_never_reach_a_log_line_nor_the_clear_outbox(flow, commit, caplog):
    """R-3.2: the phone is encrypted at rest, absent from the outbox's clear context and from every log."""
    caplog.set_level(logging.DEBUG)
    report = flow.received()
    _follow(report, commit)
    with commit():
        services.report_forward(report=report, actor=flow.p["operator"], now=flow.next(report))
    for message in OutboxMessage.objects.filter(report=report):
        assert "987654321" not in json.dumps(message.context)
    assert "987654321" not in caplog.text and "987 654 321" not in caplog.text
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM notify_follower")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all("987654321" not in value for value in stored)
    assert Delivery.objects.filter(follower__report=report).exists()


def test_unconfirmed_phones_are_forgotten_after_a_day(flow, commit):
    """R-13.2, R-3.2: a phone that never confirmed its code is deleted by the retention job a day later;
    a confirmed follower stays."""
    from pakn.notify.retention import delivered_purge

    report = flow.received()
    _follow(report, commit)
    with commit():
        following.follow_by_sms(report=report, phone="0912 444 555", client="10.0.0.3", now=START)
    assert Follower.objects.filter(report=report).count() == 2
    delivered_purge(now=START + timedelta(hours=2))
    assert Follower.objects.filter(report=report).count() == 2
    delivered_purge(now=START + timedelta(days=2))
    assert list(Follower.objects.filter(report=report).values_list("phone", flat=True)) == [E164]
