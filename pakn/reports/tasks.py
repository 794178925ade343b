"""Periodic work of the reports app, run by the huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from pakn.reports.services import deadlines_sweep


@db_periodic_task(crontab(minute="*"))
@lock_task("pakn-deadlines-sweep")
def sweep_deadlines() -> None:
    """Every minute (R-7.2b: 1-hour windows need minute precision)."""
    deadlines_sweep()
