"""Services of "Phản ánh của tôi" (issue 14, item 8): sign-in with a one-time code sent by SMS, the
citizen's short session, his own reports, a new follow-up link, web push for his reports.

Against an attacker (docs/security.md, "Phản ánh của tôi"):
- enumeration: asking for a code gives the same answer, the same rate limits and a challenge whether or
  not the number has reports; only a number with reports is sent an SMS (no SMS to strangers' phones);
- brute force: a code is 6 random digits, lives PAKN_CITIZEN_CODE_SECONDS, allows PAKN_CITIZEN_CODE_ATTEMPTS
  wrong guesses (counted with an atomic update, so parallel guesses cannot exceed it), a new code ends the
  previous ones, codes are limited per number and per address, checks per address;
- replay: a code signs in once (ended with a compare-and-swap); a session key is random, stored hashed,
  expires, and signing out ends it on the server;
- personal data: the phone number is only normalised, hashed with the look-up key (the reports' own
  `phone_hash`) and handed to the SMS outbox (encrypted); it is never stored here, logged or put in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pakn.core.crypto import lookup_hash
from pakn.core.quotas import quota_wait
from pakn.notify.citizen import followup_link_replace, sign_in_code_send
from pakn.notify.models import PushSubscription
from pakn.notify.services import followup_link, push_subscribe, push_unsubscribe
from pakn.portal.models import CitizenSession, PortalSubmission, SignInChallenge
from pakn.reports.selectors import OwnReport, phone_has_reports, report_objects_of_phone, reports_of_phone
from pakn.reports.services import report_followup_renew
from pakn.reports.validators import normalize_phone

CODE_DIGITS = 6


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class CodeRefused(Exception):
    """The code does not sign in: `reason` is "wrong" (with `left` guesses) or "dead" (ask for a new one)."""

    def __init__(self, reason: str, left: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.left = left


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _code_hash(key_hash: str, code: str) -> str:
    return hmac.new(
        settings.LOOKUP_KEY.encode(), f"sign-in:{key_hash}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def phone_hash_of(raw: str) -> str:
    """The keyed look-up hash of a typed phone number (ValidationError when it is not a valid number)."""
    return lookup_hash("phone", normalize_phone(raw))


def sign_in_code_request(*, phone: str, address: str, now: datetime | None = None) -> str:
    """Issue a sign-in code for this number; return the challenge's key (for the browser's cookie).

    Raises ValidationError for a number that is not a valid phone number, RateLimited when this address or
    this number asked too often. The answer does not say whether the number has reports.
    """
    now = now or timezone.now()
    normalized = normalize_phone(phone)
    phone_hash = lookup_hash("phone", normalized)
    wait = quota_wait("citizen-code-address", address) or quota_wait("citizen-code-phone", phone_hash)
    if wait:
        raise RateLimited(wait)
    key = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    key_hash = _sha(key)
    lifetime = settings.PAKN_CITIZEN_CODE_SECONDS
    with transaction.atomic():
        SignInChallenge.objects.filter(phone_hash=phone_hash, ended_at__isnull=True).update(ended_at=now)
        SignInChallenge.objects.create(
            key_hash=key_hash,
            phone_hash=phone_hash,
            code_hash=_code_hash(key_hash, code),
            created_at=now,
            expires_at=now + timedelta(seconds=lifetime),
        )
        if phone_has_reports(phone_hash):
            sign_in_code_send(phone=normalized, code=code, minutes=max(1, lifetime // 60), now=now)
    return key


def sign_in_code_check(*, key: str, code: str, address: str, now: datetime | None = None) -> str:
    """Check a code against the browser's challenge; return a new session's key (for its cookie).

    Raises RateLimited (too many checks from this address) or CodeRefused.
    """
    now = now or timezone.now()
    wait = quota_wait("citizen-check-address", address)
    if wait:
        raise RateLimited(wait)
    key_hash = _sha(key or "")
    limit = settings.PAKN_CITIZEN_CODE_ATTEMPTS
    live = SignInChallenge.objects.filter(
        key_hash=key_hash, ended_at__isnull=True, expires_at__gt=now, attempts__lt=limit
    )
    # Count the guess first, atomically: parallel guesses cannot get more than `limit` between them.
    if not key or not live.update(attempts=F("attempts") + 1):
        raise CodeRefused("dead")
    challenge = SignInChallenge.objects.get(key_hash=key_hash)
    typed = "".join((code or "").split())
    if not hmac.compare_digest(challenge.code_hash, _code_hash(key_hash, typed)):
        left = max(0, limit - challenge.attempts)
        if not left:
            SignInChallenge.objects.filter(pk=challenge.pk, ended_at__isnull=True).update(ended_at=now)
            raise CodeRefused("dead")
        raise CodeRefused("wrong", left)
    # Used once: whoever ends it first signs in; a replay (or a parallel request) finds it ended.
    if not SignInChallenge.objects.filter(pk=challenge.pk, ended_at__isnull=True).update(ended_at=now):
        raise CodeRefused("dead")
    session_key = secrets.token_urlsafe(32)
    CitizenSession.objects.create(
        key_hash=_sha(session_key),
        phone_hash=challenge.phone_hash,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.PAKN_CITIZEN_SESSION_SECONDS),
    )
    return session_key


def session_for(key: str, *, now: datetime | None = None) -> CitizenSession | None:
    """The live session this cookie names (None: no cookie, unknown, expired or signed out)."""
    if not key or len(key) > 100:
        return None
    now = now or timezone.now()
    return CitizenSession.objects.filter(
        key_hash=_sha(key), ended_at__isnull=True, expires_at__gt=now
    ).first()


def sign_out(key: str, *, now: datetime | None = None) -> bool:
    if not key:
        return False
    return bool(
        CitizenSession.objects.filter(key_hash=_sha(key), ended_at__isnull=True).update(
            ended_at=now or timezone.now()
        )
    )


def own_reports(session: CitizenSession) -> list[OwnReport]:
    return reports_of_phone(session.phone_hash)


@dataclass(frozen=True)
class NewLink:
    tracking_code: str
    url: str


def followup_link_recover(session: CitizenSession, tracking_code: str) -> NewLink | None:
    """A new private link for one of his reports (None if it is not his); the old link stops working."""
    with transaction.atomic():
        renewed = report_followup_renew(tracking_code=tracking_code, phone_hash=session.phone_hash)
        if renewed is None:
            return None
        report, secret = renewed
        followup_link_replace(report=report, secret=secret)
        # The "sent" page must not show the dead link again to the browser that sent it.
        PortalSubmission.objects.filter(report=report).exclude(secret="").update(secret="")
    return NewLink(report.tracking_code, followup_link(secret))


def push_subscribe_all(
    session: CitizenSession, *, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> int:
    """Subscribe this browser to every report of the signed-in number (the endpoint checked as for staff:
    known push services on public addresses only). Returns how many reports it follows."""
    count = 0
    with transaction.atomic():
        for report in report_objects_of_phone(session.phone_hash):
            push_subscribe(report=report, endpoint=endpoint, p256dh=p256dh, auth=auth, user_agent=user_agent)
            count += 1
    return count


def push_unsubscribe_all(session: CitizenSession, *, endpoint: str) -> int:
    return sum(
        push_unsubscribe(report=r, endpoint=endpoint) for r in report_objects_of_phone(session.phone_hash)
    )


def push_followed(session: CitizenSession) -> int:
    """How many browsers' subscriptions exist for his reports (shown as "on" or "off", no details)."""
    ids = [r.pk for r in report_objects_of_phone(session.phone_hash)]
    return PushSubscription.objects.filter(report_id__in=ids).count() if ids else 0
