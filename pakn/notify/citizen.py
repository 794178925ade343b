"""Messages of "Phản ánh của tôi" (issue 14, item 8) through the same outbox and SMS gateway as the rest:
the sign-in code to a phone number, and the reporter's follow-up link replaced when he recovers it."""

from __future__ import annotations

import json
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from pakn.core import province
from pakn.notify.models import Kind, OutboxMessage
from pakn.notify.services import code_sms_queue, followup_link
from pakn.reports.models import Report


def sign_in_code_send(*, phone: str, code: str, minutes: int, now: datetime | None = None) -> OutboxMessage:
    """Queue the SMS with a sign-in code to a normalised (E.164) phone number.

    The clear context has no personal data; the code, like a follow-up link, is only in the encrypted
    private part, and the number only in the delivery's encrypted address. The message names no report.
    """
    now = now or timezone.now()
    with override("vi"):
        context = {"site_name": province.site_short_name(), "minutes": minutes}
    with transaction.atomic():
        return code_sms_queue(
            kind=Kind.SIGN_IN_CODE,
            dedupe="sign-in",
            code={"code": code},
            context=context,
            address=phone,
            recipient="c",
            now=now,
            to_reporter=True,
        )


def followup_link_replace(*, report: Report, secret: str) -> int:
    """Later messages to the reporter carry his new follow-up link (the old one no longer opens anything).

    The link is kept in the encrypted private part of the report's "received" message; if that message was
    already deleted by retention, later messages go without a link, as they did before.
    """
    changed = 0
    for message in OutboxMessage.objects.filter(report=report, kind=Kind.RECEIVED).only(
        "pk", "private_context"
    ):
        private = json.loads(message.private_context) if message.private_context else {}
        private["link"] = followup_link(secret)
        OutboxMessage.objects.filter(pk=message.pk).update(
            private_context=json.dumps(private, ensure_ascii=False)
        )
        changed += 1
    return changed
