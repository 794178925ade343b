"""The worker's heartbeat for /readyz and the metrics (run by every `pakn worker`)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import on_startup, periodic_task

from pakn.ops.health import heartbeat_record

log = logging.getLogger(__name__)


@periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    heartbeat_record()


@on_startup()
def heartbeat_on_startup() -> None:
    try:
        heartbeat_record()
    except Exception:  # never keep the worker from starting
        log.exception("could not record the worker heartbeat")
