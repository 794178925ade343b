"""Notifications: the outbox, its channels and their delivery by the worker (issue 7)."""

from typing import Any

from django.apps import AppConfig
from django.core import checks


class NotifyConfig(AppConfig):
    name = "pakn.notify"
    label = "notify"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from pakn.notify.follow import followers_for_event
        from pakn.notify.proposals import on_category_proposal
        from pakn.notify.services import notifications_for_event
        from pakn.notify.tasks import connect_queue
        from pakn.org.signals import category_proposal
        from pakn.reports.listeners import add_event_listener

        checks.register(check_settings)
        # The outbox follows every workflow change, in its transaction (docs/architecture.md).
        add_event_listener(notifications_for_event)
        add_event_listener(followers_for_event)  # followers of public reports (issue 14, item 9)
        connect_queue()
        # Category proposals: the administrators and the proposer are told.
        category_proposal.connect(on_category_proposal, dispatch_uid="notify.category_proposal")


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """PAKN_NOTIFY_SMS_KINDS must name staff kinds (settings cannot import the models to check it); in
    production, SMS and web push should be configured."""
    from django.conf import settings

    from pakn.notify.models import STAFF_KINDS

    found: list[checks.CheckMessage] = []
    unknown = sorted(set(settings.PAKN_NOTIFY_SMS_KINDS) - set(STAFF_KINDS))
    if unknown:
        found.append(
            checks.Error(
                f"PAKN_NOTIFY_SMS_KINDS names unknown kinds: {', '.join(unknown)}",
                hint="Use staff kinds: " + ", ".join(STAFF_KINDS),
                id="notify.E001",
            )
        )
    if settings.PRODUCTION and settings.PAKN_SMS_BACKEND != "http":
        found.append(
            checks.Warning(
                f"PAKN_SMS_BACKEND={settings.PAKN_SMS_BACKEND}: SMS are not sent to anyone in production",
                hint="Set PAKN_SMS_BACKEND=http and PAKN_SMS_GATEWAY_URL (docs/notifications.md)",
                id="notify.W001",
            )
        )
    if settings.PRODUCTION and not settings.PAKN_VAPID_PRIVATE_KEY:
        found.append(
            checks.Warning(
                "No VAPID keys: web push is off",
                hint="Run `pakn vapid-keys` and set PAKN_VAPID_PUBLIC_KEY and PAKN_VAPID_PRIVATE_KEY",
                id="notify.W002",
            )
        )
    return found
