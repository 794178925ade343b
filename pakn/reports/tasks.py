"""Periodic work of the reports app, run by the huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pakn.reports.sweeps import deadlines_sweep


@db_periodic_task(crontab(minute="*"))
def sweep_deadlines() -> None:
    """Every minute (R-7.2b: 1-hour windows need minute precision).

    No task lock: a lock left by a killed worker would stop the sweep, and the sweep is safe to run twice
    at once (every change is a compare-and-swap through the workflow)."""
    deadlines_sweep()


@db_periodic_task(crontab(hour="17", minute="5"))
def audit_checkpoint() -> None:
    """Daily at 00:05 in Viet Nam (17:05 UTC): sign the heads of the timelines changed that day (R-9.1)."""
    from pakn.reports.checkpoints import checkpoint_create

    checkpoint_create()


@db_periodic_task(crontab(hour="19", minute="20"))
def anonymise_expired() -> None:
    """Daily at 02:20 in Viet Nam: erase the reporter's personal data of cases closed long enough (R-13.2).

    Safe without a lock: each report changes through the workflow's compare-and-swap."""
    from pakn.reports.retention import retention_sweep

    while retention_sweep().anonymised:
        pass
