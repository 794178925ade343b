"""Listeners of the timeline: code outside the core that must act on each recorded event, in its transaction.

The core imports no other app; an app that needs to follow the workflow registers a listener here from its
AppConfig.ready() (notify writes its outbox this way). `_record()` in `workflow` calls every listener right
after the event is saved, inside the same transaction, so whatever a listener writes commits or rolls back
with the change it follows. A listener's exception aborts the action: it is part of the change.
"""

from __future__ import annotations

from typing import Any, Protocol

from pakn.reports.models import Event, Report


class EventListener(Protocol):
    def __call__(self, event: Event, report: Report, *, context: dict[str, Any] | None = None) -> Any: ...


_listeners: list[EventListener] = []


def add_event_listener(listener: EventListener) -> None:
    """Register `listener` once (AppConfig.ready() may run more than once in tests)."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_event_listener(listener: EventListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def event_listeners() -> tuple[EventListener, ...]:
    return tuple(_listeners)


def event_recorded(event: Event, report: Report, *, context: dict[str, Any] | None = None) -> None:
    """Tell every listener that `event` was recorded for `report` (called by workflow._record)."""
    for listener in _listeners:
        listener(event, report, context=context)
