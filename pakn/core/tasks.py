"""Periodic work of the core, run by the huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from pakn.core.idempotency import purge_expired


@db_periodic_task(crontab(minute="17"))
@lock_task("pakn-idempotency-purge")
def purge_idempotency_keys() -> None:
    """Hourly: forget Idempotency-Key records older than 24 hours."""
    purge_expired()
