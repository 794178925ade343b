"""The worker's queue as the outbox and the delivery attempts see it: two calls, bound to the huey tasks by
NotifyConfig.ready().

The tasks call the services and the deliveries, so they are the top of this app; the services and the
deliveries ask for work through this module instead of importing the tasks (no import cycle). A call made
before the binding, or while the queue is down, raises: callers log it, and the one-minute pump delivers
what is due anyway (the outbox row is the truth).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_deliver_outbox: Callable[[list[int]], Any] | None = None
_deliver_later: Callable[[int, int], Any] | None = None


class NotConnected(RuntimeError):
    """The queue was asked for work before NotifyConfig.ready() bound it to the tasks."""


def connect(*, deliver_outbox: Callable[[list[int]], Any], deliver_later: Callable[[int, int], Any]) -> None:
    global _deliver_outbox, _deliver_later
    _deliver_outbox, _deliver_later = deliver_outbox, deliver_later


def deliver_outbox(outbox_ids: list[int]) -> None:
    """Deliver the deliveries of these outbox messages now."""
    if _deliver_outbox is None:
        raise NotConnected("pakn.notify.queue is not connected to the tasks")
    _deliver_outbox(outbox_ids)


def deliver_later(delivery_id: int, delay_seconds: int) -> None:
    """Attempt this delivery again in `delay_seconds`."""
    if _deliver_later is None:
        raise NotConnected("pakn.notify.queue is not connected to the tasks")
    _deliver_later(delivery_id, delay_seconds)
