"""The deployment tests drive real servers through deploy/testenv/testenv.py (importable as `testenv`)."""

from __future__ import annotations

import sys
from pathlib import Path

TESTENV = Path(__file__).resolve().parents[2] / "deploy" / "testenv"
if str(TESTENV) not in sys.path:
    sys.path.insert(0, str(TESTENV))


def pytest_collection_modifyitems(config: object, items: list) -> None:
    """The multi-server tests start their own servers on PostgreSQL: they run once, in the suite's
    PostgreSQL pass (scripts/run-tests), not again in the SQLite pass."""
    import pytest
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(
        reason="runs in the PostgreSQL pass of the suite (PAKN_DATABASE_URL=postgres://…): it starts real "
        "PostgreSQL, pgbouncer, Redis, nginx and object-store servers"
    )
    for item in items:
        if item.get_closest_marker("postgres") and "tests/deploy/" in str(item.fspath):
            item.add_marker(skip)
