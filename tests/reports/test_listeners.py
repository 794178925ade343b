"""The timeline's listeners: the core calls what other apps registered, inside the action's transaction, and
imports none of them (issue 12; notify's outbox is one, issue 7)."""

from __future__ import annotations

from typing import Any

import pytest

from pakn.notify.models import OutboxMessage
from pakn.notify.services import notifications_for_event
from pakn.reports import services
from pakn.reports.listeners import add_event_listener, event_listeners, remove_event_listener
from pakn.reports.models import Event, Report, State
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def listen():
    added: list[Any] = []

    def register(listener: Any) -> None:
        add_event_listener(listener)
        added.append(listener)

    yield register
    for listener in added:
        remove_event_listener(listener)


def test_notify_registers_its_outbox_as_a_listener_once():
    assert event_listeners().count(notifications_for_event) == 1
    add_event_listener(notifications_for_event)  # AppConfig.ready() may run again: still once
    assert event_listeners().count(notifications_for_event) == 1


def test_a_listener_sees_the_saved_event_and_the_report_in_its_new_state(org, submit, listen):
    seen: list[tuple[str, int, str, Any]] = []
    listen(
        lambda event, report, *, context=None: seen.append((event.action, event.seq, report.state, context))
    )
    report = submit(now=at("2026-03-02 08:00")).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:40"))
    assert seen[0][:3] == ("submit", 1, State.RECEIVED)
    assert set(seen[0][3]) == {"secret"}  # the follow-up secret reaches listeners only at submission
    assert seen[1] == ("forward", 2, State.ROUTED, None)


def test_a_failing_listener_rolls_the_whole_action_back(org, submit, listen):
    """The listener writes in the action's transaction: its failure leaves neither the change nor the
    outbox messages of notify (registered before it) behind."""
    report = submit(now=at("2026-03-02 08:00")).report
    messages = OutboxMessage.objects.count()

    def broken(event: Event, report: Report, *, context: Any = None) -> None:
        raise RuntimeError("listener down")

    listen(broken)
    with pytest.raises(RuntimeError):
        services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:40"))
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.state, fresh.event_count) == (State.RECEIVED, 1)
    assert OutboxMessage.objects.count() == messages
