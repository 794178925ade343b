"""The SQLite flavour of the huey queue (the default without Redis), tuned for a queue of wake-up hints.

The queue only tells the worker to deliver outbox rows now; the rows themselves are in the database, written
with the change, and the one-minute pump delivers whatever a lost hint left behind (docs/notifications.md).
So the queue file need not be synced to disk at every commit: `synchronous=NORMAL` in WAL mode (safe against
corruption, a hint may be lost on power failure) makes queueing a delivery 0.3 ms instead of ~9 ms (an fsync
in every web request that changes a report; issue 13).
"""

from __future__ import annotations

import sqlite3

from huey import SqliteHuey
from huey.storage import SqliteStorage


class HintQueueStorage(SqliteStorage):
    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


class HintQueue(SqliteHuey):
    storage_class = HintQueueStorage
