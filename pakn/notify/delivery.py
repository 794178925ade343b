"""The worker's side of the outbox: claim a delivery, render its text, send it through its channel, record
the outcome; retry with backoff; recover deliveries a crashed worker left behind.

Exactly once, per idempotency key:
- a worker claims a delivery with a compare-and-swap (pending → sending, with a lease); two workers never
  both hold it;
- it records the outcome only if it still holds the claim (the attempt number is the fencing token);
- a worker that dies (or loses its database connection) after sending but before recording leaves the
  delivery "sending"; when the lease expires another worker claims it and sends again with the same
  idempotency key, which the gateway recognises (docs/notifications.md, "Delivery guarantees").
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import timezone

from pakn.notify import queue
from pakn.notify.channels import Result, backend_for
from pakn.notify.follow import unsubscribe_url
from pakn.notify.models import Delivery, MessageTemplate

log = logging.getLogger(__name__)
Status = Delivery.Status

# Texts are plain (SMS, e-mail, push, console): no HTML escaping; the console escapes when it shows them.
ENGINE = Engine(autoescape=False)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    url: str


class NoTemplate(Exception):
    """The administrator switched this kind of message off on this channel (or deleted its text)."""


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    """A text compiled once per worker (keyed by the text itself, so an edited template is compiled anew):
    compiling took a third of the worker's time per delivery (issue 13)."""
    return ENGINE.from_string(text)


_UNSET: Any = object()


def render(delivery: Delivery, template: MessageTemplate | None = _UNSET) -> Rendered:
    """The text of a delivery: its template (read here unless given) with the message's context and the
    recipient."""
    outbox = delivery.outbox
    if template is _UNSET:
        template = MessageTemplate.objects.filter(
            kind=outbox.kind, channel=delivery.channel, is_active=True
        ).first()
    if template is None:
        raise NoTemplate(f"no active template for {outbox.kind}/{delivery.channel}")
    context: dict[str, Any] = dict(outbox.context)
    if outbox.private_context:
        context.update(json.loads(outbox.private_context))
    if delivery.to_reporter:
        if context.get("link"):
            context["url"] = context["link"]
        else:
            context["url"] = context.get("site_url", "")
    elif delivery.follower_id is not None and delivery.follower is not None:
        context["url"] = context.get("public_url") or context.get("site_url", "")
        context["unsubscribe"] = unsubscribe_url(delivery.follower)
    elif delivery.user is not None:
        context["recipient"] = str(delivery.user)
        context["recipient_agency"] = delivery.user.agency.name if delivery.user.agency else ""
    ctx = Context(context, autoescape=False)
    subject = " ".join(_compiled(template.subject).render(ctx).split())
    body = _compiled(template.body).render(ctx).strip()
    return Rendered(subject=subject, body=body, url=str(context.get("url", "")))


def backoff(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min, … (PAKN_NOTIFY_RETRY_SECONDS doubled per attempt), at most the configured cap."""
    seconds = settings.PAKN_NOTIFY_RETRY_SECONDS * 2 ** max(0, attempt - 1)
    return timedelta(seconds=min(seconds, settings.PAKN_NOTIFY_RETRY_MAX_SECONDS))


def _claimable(now: datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, lease_until__lt=now)


def claim(delivery_id: int, *, now: datetime) -> int | None:
    """Take a delivery for this worker: the compare-and-swap returns the attempt number, or None if another
    worker holds it, it is done, or it is not due yet."""
    lease = timedelta(seconds=settings.PAKN_NOTIFY_LEASE_SECONDS)
    updated = Delivery.objects.filter(
        _claimable(now), pk=delivery_id, attempts__lt=settings.PAKN_NOTIFY_MAX_ATTEMPTS
    ).update(status=Status.SENDING, lease_until=now + lease, attempts=F("attempts") + 1, updated_at=now)
    if updated != 1:
        return None
    return int(Delivery.objects.values_list("attempts", flat=True).get(pk=delivery_id))


def _finish(delivery_id: int, attempt: int, **fields: Any) -> bool:
    """Record an outcome only if this worker still holds the claim (fencing by the attempt number)."""
    return (
        Delivery.objects.filter(pk=delivery_id, status=Status.SENDING, attempts=attempt).update(
            lease_until=None, **fields
        )
        == 1
    )


def claim_many(delivery_ids: list[int], *, now: datetime) -> dict[int, int]:
    """Take several deliveries in one compare-and-swap: {delivery id: attempt number} of those this worker
    now holds (UPDATE … RETURNING names exactly the rows this statement changed)."""
    if not delivery_ids:
        return {}
    adapt = connection.ops.adapt_datetimefield_value
    lease = adapt(now + timedelta(seconds=settings.PAKN_NOTIFY_LEASE_SECONDS))
    moment = adapt(now)
    marks = ", ".join(["%s"] * len(delivery_ids))
    sql = (
        f"UPDATE {Delivery._meta.db_table} SET status = %s, lease_until = %s, attempts = attempts + 1, "
        f"updated_at = %s WHERE id IN ({marks}) AND attempts < %s AND ((status = %s AND next_attempt_at <= %s) "
        "OR (status = %s AND lease_until < %s)) RETURNING id, attempts"
    )
    params = [Status.SENDING, lease, moment, *delivery_ids, settings.PAKN_NOTIFY_MAX_ATTEMPTS]
    params += [Status.PENDING, moment, Status.SENDING, moment]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(pk): int(number) for pk, number in cursor.fetchall()}


def attempt_many(delivery_ids: list[int], *, now: datetime | None = None) -> dict[int, str | None]:
    """One attempt at each of these deliveries, with the reads shared (issue 13): one claim, one read of the
    deliveries, one of their templates; then, per delivery, the send and its recorded outcome (fenced by its
    attempt number as in attempt()). Deliveries another worker holds are left alone."""
    frozen = now
    now = now or timezone.now()
    claimed = claim_many(delivery_ids, now=now)
    if not claimed:
        return {}
    deliveries = list(
        Delivery.objects.select_related("outbox", "user__agency", "subscription")
        .filter(pk__in=list(claimed))
        .order_by("pk")
    )
    wanted = Q(pk__in=[])
    for kind, channel in {(d.outbox.kind, d.channel) for d in deliveries}:
        wanted |= Q(kind=kind, channel=channel)
    templates: dict[tuple[str, str], MessageTemplate] = {}
    for t in MessageTemplate.objects.filter(wanted, is_active=True).order_by("-pk"):
        templates[(t.kind, t.channel)] = t  # the first by the model's order wins, as in render()
    outcomes: dict[int, str | None] = {}
    for delivery in deliveries:
        template = templates.get((delivery.outbox.kind, delivery.channel))
        result = _send(delivery, template)
        outcomes[delivery.pk] = record(
            delivery.pk, claimed[delivery.pk], result, now=frozen or timezone.now()
        )
    return outcomes


def _send(delivery: Delivery, template: MessageTemplate | None = _UNSET) -> Result:
    try:
        message = render(delivery, template)
        return backend_for(delivery.channel).send(delivery, message)
    except NoTemplate as e:
        return Result.skip(str(e))
    except TemplateSyntaxError as e:
        return Result.failure(f"Mẫu thông báo có lỗi: {e}", permanent=True)
    except Exception as e:  # a bug or an unexpected library error: retry, and show it to the admin
        log.exception("delivery %s failed unexpectedly", delivery.pk)
        return Result.failure(f"{type(e).__name__}: {e}")


def attempt(delivery_id: int, *, now: datetime | None = None) -> str | None:
    """Try to send one delivery now. Returns its new status, or None if it was not ours to send.

    `now` (tests) fixes the clock of the whole attempt; the worker uses the real one."""
    frozen = now
    now = now or timezone.now()
    number = claim(delivery_id, now=now)
    if number is None:
        return None
    delivery = Delivery.objects.select_related("outbox", "user__agency", "subscription").get(pk=delivery_id)
    result = _send(delivery)
    return record(delivery_id, number, result, now=frozen or timezone.now())


def record(delivery_id: int, number: int, result: Result, *, now: datetime) -> str | None:
    """Write the outcome of attempt `number` (only if it still holds the claim)."""
    if result.ok:
        done = _finish(
            delivery_id,
            number,
            status=Status.SENT,
            sent_at=now,
            updated_at=now,
            last_error="",
            provider_ref=result.ref[:200],
        )
        return Status.SENT if done else None
    if result.skipped:
        return (
            Status.SKIPPED
            if _finish(delivery_id, number, status=Status.SKIPPED, updated_at=now, last_error=result.error)
            else None
        )
    if result.permanent or number >= settings.PAKN_NOTIFY_MAX_ATTEMPTS:
        log.warning("delivery %s failed for good after %s attempts: %s", delivery_id, number, result.error)
        return (
            Status.FAILED
            if _finish(delivery_id, number, status=Status.FAILED, updated_at=now, last_error=result.error)
            else None
        )
    wait = backoff(number)
    if not _finish(
        delivery_id, number, status=Status.PENDING, next_attempt_at=now + wait, last_error=result.error
    ):
        return None
    schedule_attempt(delivery_id, wait)
    return Status.PENDING


def schedule_attempt(delivery_id: int, delay: timedelta) -> None:
    """Ask the worker to try again later (the pump would find it anyway)."""

    def go() -> None:
        try:
            queue.deliver_later(delivery_id, max(1, int(delay.total_seconds())))
        except Exception:
            log.exception("could not schedule delivery %s; the pump will retry it", delivery_id)

    transaction.on_commit(go)


def due_ids(*, now: datetime, limit: int = 1000) -> list[int]:
    """Deliveries to send now: pending and due, or left "sending" by a worker whose lease expired."""
    return list(
        Delivery.objects.filter(_claimable(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def give_up_interrupted(*, now: datetime) -> int:
    """A delivery whose every attempt was interrupted (its worker died each time) is failed for the admin."""
    return Delivery.objects.filter(
        status=Status.SENDING, lease_until__lt=now, attempts__gte=settings.PAKN_NOTIFY_MAX_ATTEMPTS
    ).update(
        status=Status.FAILED,
        lease_until=None,
        last_error="Tiến trình gửi bị gián đoạn quá số lần cho phép.",
        updated_at=now,
    )


def latest_lease_expiry() -> datetime | None:
    """When the last lease currently held runs out (a restarted worker waits for it, then recovers)."""
    return (
        Delivery.objects.filter(status=Status.SENDING)
        .order_by("-lease_until")
        .values_list("lease_until", flat=True)
        .first()
    )
