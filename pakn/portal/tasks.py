"""Periodic work of the portal, run by the huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from pakn.portal.services import portal_cleanup


@db_periodic_task(crontab(minute="17"))
@lock_task("pakn-portal-cleanup")
def cleanup_portal() -> None:
    """Hourly: stashed files of forms never sent, and follow-up secrets kept for retries, after a day."""
    portal_cleanup()
