"""Writes of pakn.notify: the workflow's hook that fills the outbox, preferences, web-push subscriptions and
the administrator's retry (R-7, R-8); the due-soon warnings and the daily digest are in `deadlines`.

`notifications_for_event` is a listener of the timeline (registered by NotifyConfig.ready with
pakn.reports.listeners) and runs inside the transaction of every workflow change (`workflow._record`): it only reads a few rows and inserts the outbox message and its deliveries, then asks for the
worker on commit. If the change rolls back, so do its messages; if it commits, they are in the database
and the worker (or its one-minute pump, after a crash) delivers them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from pakn.core import province
from pakn.notify import queue
from pakn.notify.done import asked_step, close_done

# Reading notifications is done's business; the surfaces call these through this module.
from pakn.notify.done import notification_mark_read as notification_mark_read
from pakn.notify.done import notifications_mark_all_read as notifications_mark_all_read
from pakn.notify.endpoints import push_endpoint_problem
from pakn.notify.models import (
    REQUIRED_KINDS,
    STAFF_KINDS,
    Channel,
    Delivery,
    Kind,
    OutboxMessage,
    Preference,
    PushSubscription,
)
from pakn.notify.plans import PLANNERS, Planned, _name, moment_text
from pakn.org.models import Agency, User
from pakn.reports import sla
from pakn.reports.models import Event, Report, Step
from pakn.reports.pii import mask_personal_data

log = logging.getLogger(__name__)
Role = User.Role


def notifications_for_event(
    event: Event, report: Report, *, context: dict[str, Any] | None = None
) -> list[OutboxMessage]:
    """The hook of the workflow: write the messages this event causes, in the event's transaction.

    `report` is already in its new state. `context` is transient and never stored in the event; its
    "secret" (only on a report's creation) becomes the reporter's follow-up link, kept encrypted in the
    outbox (R-3.2).
    """
    # Notifications whose step this event finished are done (issue 14, item 7), before new ones are asked.
    # A report's first event has none: nothing can refer to a report created in this very transaction.
    if event.seq > 1:
        close_done(
            report,
            event.at,
            answered_by=event.agency_id
            if event.action in ("give_opinion", "give_leadership_opinion")
            else None,
        )
    planner = PLANNERS.get(event.action)
    if planner is None:
        return []
    plans = planner(event, report)
    if not plans:
        return []
    secret = (context or {}).get("secret")
    return outbox_write(
        plans,
        report=report,
        event=event,
        at=event.at,
        dedupe=f"event:{event.pk}",
        exclude_user_id=event.actor_id,
        link=followup_link(secret) if secret else None,
    )


def followup_link(secret: str) -> str:
    """The reporter's private page (pakn.portal): whoever holds it follows, supplements and rates."""
    return f"{settings.SITE_URL}/theo-doi/{secret}/"


# --- Writing the outbox ---------------------------------------------------------------------------------


def duration_text(delta: timedelta) -> str:
    """A duration the way it is said: '45 phút', '1 giờ 30 phút', '2 ngày 3 giờ' (never negative)."""
    return sla.duration_words(max(0, int(delta.total_seconds())))


def _excerpt(text: str, length: int = 100) -> str:
    """One line of at most `length` characters, without a final full stop (the texts add their own)."""
    text = " ".join((text or "").split())
    text = text if len(text) <= length else text[: length - 1].rstrip() + "…"
    return text.rstrip(" .")


def console_report_url(report: Report) -> str:
    """The staff page of a report, absolute (for e-mail, SMS and push)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return settings.SITE_URL + reverse("console:case", args=[report.pk])
    except NoReverseMatch:  # the console is not mounted (a deployment without staff pages)
        return settings.SITE_URL


def report_context(report: Report, at: datetime) -> dict[str, Any]:
    """What every text about a report may say. No personal data: this is stored in clear."""
    with translation.override("vi"):
        return {
            "site_name": province.site_short_name(),
            "province": province.province_label(),
            "site_url": settings.SITE_URL,
            "code": report.tracking_code,
            # The public copy, masked before it is cut: a phone number typed in the text is personal data.
            "title": ""
            if report.is_state_secret
            else _excerpt(mask_personal_data(report.public_title or report.public_content)),
            "category": "" if report.is_state_secret else _name(report.category),
            "agency": report.agency.name,
            "at": moment_text(at),
            "step": str(Step(report.step).label) if report.step else "",
            "due_at": moment_text(report.due_at),
            "time_left": duration_text(report.due_at - at) if report.due_at else "",
            "officer": _name(report.assignee) if report.assignee_id else "",
            "url": console_report_url(report),
            "result": report.result_text,
        }


def _stored_link(report: Report) -> str:
    """The follow-up link written with the report's 'received' message, for later messages to the reporter."""
    received = OutboxMessage.objects.filter(kind=Kind.RECEIVED, report=report).only("private_context").first()
    if received is None or not received.private_context:
        return ""
    return str(json.loads(received.private_context).get("link", ""))


def outbox_write(
    plans: Iterable[Planned],
    *,
    report: Report | None,
    event: Event | None,
    at: datetime,
    dedupe: str,
    exclude_user_id: int | None = None,
    link: str | None = None,
    context: dict[str, Any] | None = None,
    step: str = "",
    step_started_at: datetime | None = None,
) -> list[OutboxMessage]:
    """Insert the messages and one delivery per recipient and channel; ask the worker once committed."""
    base = report_context(report, at) if report is not None else {}
    base.update(context or {})
    staged: list[tuple[OutboxMessage, Planned, list[User]]] = []
    for plan in plans:
        private: dict[str, str] = {}
        if plan.reporter and report is not None:
            private["link"] = link if link is not None else _stored_link(report)
            private["recipient"] = report.reporter_name
        # The step the message asks for (issue 14, item 7): given (due-soon), else the case's current one.
        asked, asked_since = (step, step_started_at) if step else asked_step(plan.kind, report)
        message = OutboxMessage(
            kind=plan.kind,
            report=report,
            event=event,
            dedupe_key=f"{dedupe}:{plan.kind}",
            step=asked,
            step_started_at=asked_since,
            context={**base, **plan.extra},
            private_context=json.dumps(private, ensure_ascii=False) if private else "",
            created_at=at,
        )
        users: list[User] = []
        if plan.staff is not None:
            found = User.objects.filter(plan.staff, is_active=True)
            if exclude_user_id is not None:
                found = found.exclude(pk=exclude_user_id)
            users = list(found)
        staged.append((message, plan, users))
    # One INSERT for the event's messages (their ids come back for the deliveries).
    messages = OutboxMessage.objects.bulk_create([message for message, _, _ in staged])
    # A report's first event: no device can follow a report created in this very transaction.
    new_report = event is not None and event.seq == 1
    deliveries: list[Delivery] = []
    for message, plan, users in staged:
        deliveries += staff_deliveries(message, users)
        if plan.reporter and report is not None:
            deliveries += reporter_deliveries(message, report, devices=not new_report)
    deliveries_queue(deliveries, [m.pk for m in messages], at)
    return messages


def code_sms_queue(
    *,
    kind: str,
    dedupe: str,
    code: dict[str, str],
    context: dict[str, Any],
    address: str,
    recipient: str,
    now: datetime,
    report: Report | None = None,
    **who: Any,
) -> OutboxMessage:
    """Queue one SMS that carries a secret code (a sign-in code, a follow confirmation) to `address`.

    The code is only in the message's encrypted private part, `address` only in the delivery's encrypted
    column; `recipient` ends the delivery's idempotency key and `who` names the recipient's row."""
    message = OutboxMessage.objects.create(
        kind=kind,
        report=report,
        dedupe_key=f"{dedupe}:{uuid.uuid4().hex}",
        context=context,
        private_context=json.dumps(code),
        created_at=now,
    )
    sms = Delivery(
        outbox=message,
        channel=Channel.SMS,
        address=address,
        idempotency_key=f"{message.uid.hex}-sms-{recipient}",
        **who,
    )
    deliveries_queue([sms], [message.pk], now)
    return message


def deliveries_queue(deliveries: list[Delivery], outbox_ids: list[int], at: datetime) -> None:
    """Insert these deliveries, and ask the worker for their messages once the transaction commits.

    They are due at once, on the clock of the change (tests and demo data act at chosen moments) or the real
    one, whichever is earlier."""
    due = min(at, timezone.now())
    for d in deliveries:
        d.next_attempt_at = d.created_at = d.updated_at = due
    Delivery.objects.bulk_create(deliveries)
    if outbox_ids:
        transaction.on_commit(lambda: enqueue_delivery(outbox_ids), robust=True)


def enqueue_delivery(outbox_ids: list[int]) -> None:
    """Ask the worker to deliver these messages now. If the queue is down, the one-minute pump will."""
    try:
        queue.deliver_outbox(outbox_ids)
    except Exception:  # the outbox row is the truth; a lost enqueue only delays delivery
        log.exception("could not enqueue the delivery of outbox messages %s", outbox_ids)


def _key(message: OutboxMessage, channel: str, recipient: str) -> str:
    return f"{message.uid.hex}-{channel}-{recipient}"


def push_enabled() -> bool:
    return bool(settings.PAKN_VAPID_PRIVATE_KEY)


def staff_deliveries(message: OutboxMessage, users: list[User]) -> list[Delivery]:
    if not users:
        return []
    prefs = {p.user_id: p for p in Preference.objects.filter(user__in=users, kind=message.kind)}
    subscriptions: dict[int, list[PushSubscription]] = {}
    if push_enabled():
        for s in PushSubscription.objects.filter(user__in=users).only("pk", "user_id"):
            subscriptions.setdefault(s.user_id or 0, []).append(s)
    rows = []
    for user in users:
        for channel in channels_for(user, message.kind, prefs.get(user.pk)):
            rows += [
                Delivery(
                    outbox=message,
                    channel=channel,
                    user=user,
                    idempotency_key=_key(message, channel, recipient),
                    **where,
                )
                for recipient, where in _staff_targets(user, channel, subscriptions.get(user.pk, []))
            ]
    return rows


def _staff_targets(
    user: User, channel: str, subscriptions: list[PushSubscription]
) -> list[tuple[str, dict[str, Any]]]:
    """Where a member of staff gets a message on `channel`: each of his browsers for push, else his address;
    each with its part of the delivery's idempotency key."""
    if channel == Channel.PUSH:
        return [(f"p{s.pk}", {"subscription": s}) for s in subscriptions]
    return [(f"u{user.pk}", {"address": {"email": user.email, "sms": user.phone}.get(channel, "")})]


def reporter_deliveries(message: OutboxMessage, report: Report, *, devices: bool = True) -> list[Delivery]:
    """The reporter's deliveries of a message: SMS and e-mail as configured, and a push to each device that
    follows the report privately (`devices=False`: the caller knows there is none)."""
    wanted = set(settings.PAKN_NOTIFY_REPORTER_CHANNELS)
    rows = []
    for channel, address in ((Channel.SMS, report.reporter_phone), (Channel.EMAIL, report.reporter_email)):
        if channel in wanted and address:
            rows.append(
                Delivery(
                    outbox=message,
                    channel=channel,
                    to_reporter=True,
                    address=address,
                    idempotency_key=_key(message, channel, "r"),
                )
            )
    if devices and Channel.PUSH in wanted and push_enabled():
        for s in PushSubscription.objects.filter(report=report, follows=False).only("pk"):
            rows.append(
                Delivery(
                    outbox=message,
                    channel=Channel.PUSH,
                    to_reporter=True,
                    subscription=s,
                    idempotency_key=_key(message, Channel.PUSH, f"p{s.pk}"),
                )
            )
    return rows


# --- Preferences ----------------------------------------------------------------------------------------


def sms_allowed(kind: str) -> bool:
    """SMS to staff costs money and interrupts: only for the kinds the province made urgent."""
    return kind in settings.PAKN_NOTIFY_SMS_KINDS


def default_channels(kind: str) -> set[str]:
    chosen = {c for c in settings.PAKN_NOTIFY_STAFF_CHANNELS if c != Channel.SMS}
    if sms_allowed(kind):
        chosen.add(Channel.SMS)
    return chosen


def chosen_channels(kind: str, preference: Preference | None) -> set[str]:
    """The channels a person wants for a kind: their choice, else the defaults; required kinds keep the
    console."""
    if preference is None:
        chosen = default_channels(kind)
    else:
        chosen = {c for c in Channel.values if getattr(preference, c)}
    if not sms_allowed(kind):
        chosen.discard(Channel.SMS)
    if kind in REQUIRED_KINDS:
        chosen.add(Channel.CONSOLE)
    return chosen


def channels_for(user: User, kind: str, preference: Preference | None) -> list[str]:
    """The channels a message actually goes through: chosen, and possible for this person."""
    chosen = chosen_channels(kind, preference)
    possible: dict[str, bool] = {
        Channel.CONSOLE: True,
        Channel.EMAIL: bool(user.email),
        Channel.SMS: bool(user.phone),
        Channel.PUSH: push_enabled(),
    }
    return [c for c in Channel.values if c in chosen and possible[c]]


def preferences_of(user: User) -> dict[str, set[str]]:
    """Every staff kind with the channels this person gets (for the preferences page)."""
    rows = {p.kind: p for p in Preference.objects.filter(user=user)}
    return {kind: chosen_channels(kind, rows.get(kind)) for kind in STAFF_KINDS}


def preferences_set(*, user: User, choices: dict[str, set[str]]) -> None:
    """Save a person's channels per kind. The console stays on for required kinds (docs/notifications.md);
    SMS only for the urgent kinds."""
    errors = []
    for kind, channels in choices.items():
        if kind not in STAFF_KINDS:
            raise ValidationError({"kind": "Loại thông báo không hợp lệ."})
        if Channel.SMS in channels and not sms_allowed(kind):
            errors.append(f"Không nhận được SMS cho loại «{Kind(kind).label}».")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for kind, channels in choices.items():
            values = {c: (c in channels) for c in Channel.values}
            if kind in REQUIRED_KINDS:
                values[Channel.CONSOLE] = True
            Preference.objects.update_or_create(user=user, kind=kind, defaults=values)


# --- Web push subscriptions ---------------------------------------------------------------------------


def _endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def _check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    errors = {}
    if len(endpoint) > 2000:
        errors["endpoint"] = "Địa chỉ nhận thông báo đẩy không hợp lệ."
    elif problem := push_endpoint_problem(endpoint):
        errors["endpoint"] = problem
    if not (20 <= len(p256dh) <= 200) or not (8 <= len(auth) <= 100):
        errors["keys"] = "Khóa của trình duyệt không hợp lệ."
    if errors:
        raise ValidationError(errors)


def push_subscribe(
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    user: User | None = None,
    report: Report | None = None,
    user_agent: str = "",
) -> PushSubscription:
    """Remember a browser that allowed web push: a member of staff's, or the reporter's for one report
    (the portal's PWA calls this with the report it found by the follow-up secret)."""
    if (user is None) == (report is None):
        raise ValueError("a subscription belongs to a user or to a report")
    if not push_enabled():
        raise ValidationError("Hệ thống chưa cấu hình thông báo đẩy (khóa VAPID).")
    endpoint, p256dh, auth = (endpoint or "").strip(), (p256dh or "").strip(), (auth or "").strip()
    _check_subscription(endpoint, p256dh, auth)
    owner = {"user": user} if user is not None else {"report": report}
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint_hash=_endpoint_hash(endpoint),
        **owner,
        defaults={"endpoint": endpoint, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:200]},
    )
    return subscription


def push_unsubscribe(*, endpoint: str, user: User | None = None, report: Report | None = None) -> int:
    owner = {"user": user} if user is not None else {"report": report}
    deleted, _ = PushSubscription.objects.filter(
        endpoint_hash=_endpoint_hash(endpoint or ""), **owner
    ).delete()
    return deleted


# Who may receive each staff kind (the preferences page shows a person only what concerns their role).
AUDIENCE: dict[str, frozenset[str]] = {
    Kind.NEW_REPORT: frozenset({Role.OPERATOR, Role.LEADER, Role.SUPERVISOR}),
    Kind.SUPPLEMENTED: frozenset({Role.OPERATOR, Role.LEADER, Role.SUPERVISOR}),
    Kind.ROUTED: frozenset({Role.LEADER}),
    Kind.ESCALATED: frozenset({Role.OPERATOR, Role.LEADER, Role.SUPERVISOR}),
    Kind.TAKEN_OVER: frozenset({Role.LEADER}),
    Kind.ASSIGNED: frozenset({Role.OFFICER, Role.LEADER}),
    Kind.RESULT_SUBMITTED: frozenset({Role.LEADER}),
    Kind.RESULT_RETURNED: frozenset({Role.OFFICER, Role.LEADER}),
    Kind.OPINION_REQUESTED: frozenset({Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR}),
    Kind.OPINION_GIVEN: frozenset({Role.OPERATOR, Role.LEADER, Role.SUPERVISOR}),
    Kind.CLARIFICATION_REQUESTED: frozenset({Role.OFFICER, Role.OPERATOR, Role.LEADER, Role.SUPERVISOR}),
    Kind.DUE_SOON: frozenset({Role.OFFICER, Role.OPERATOR, Role.LEADER, Role.SUPERVISOR}),
    Kind.OVERDUE: frozenset({Role.OFFICER, Role.OPERATOR, Role.LEADER, Role.SUPERVISOR}),
    Kind.URGED: frozenset({Role.OFFICER, Role.OPERATOR, Role.LEADER, Role.SUPERVISOR}),
    Kind.DAILY_DIGEST: frozenset({Role.SUPERVISOR}),
}


# Kinds only the province desk gets, and the one only departments get.
PROVINCE_DESK_KINDS = frozenset({Kind.NEW_REPORT, Kind.SUPPLEMENTED, Kind.OPINION_GIVEN})


def kinds_for(user: User) -> list[str]:
    """The staff kinds this person may receive, in the order of the procedure."""
    if user.is_superuser or user.role in ("", Role.ADMIN):
        return list(STAFF_KINDS)
    agency = user.agency
    province = agency is not None and agency.is_province_level
    # Departments are asked for opinions; so is the province's office, for its leadership (Điều 7 khoản 5).
    department = agency is not None and agency.kind in (Agency.Kind.DEPARTMENT, Agency.Kind.SUPERVISOR)
    return [
        k
        for k in STAFF_KINDS
        if user.role in AUDIENCE[k]
        and (province or k not in PROVINCE_DESK_KINDS)
        and (department or k != Kind.OPINION_REQUESTED)
    ]
