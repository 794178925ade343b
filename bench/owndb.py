"""A database that a benchmark created itself, and the guarantee that it never touches any other.

Every benchmark calls `own_database()` before `django.setup()`. It ignores PAKN_DATABASE_URL and
PAKN_DATA_DIR from the environment (refusing to run if they are set, so that nobody believes he measured his
own database) and points Django at a database made for the benchmark:

- SQLite: the directory /tmp/pakn-bench-NAME, marked by a file `.pakn-bench` that holds NAME;
- PostgreSQL (`--postgres postgres://user@host:port`, the server only): the database `pakn_bench_NAME`,
  marked by the comment `pakn-bench NAME` on the database.

A database or directory of that name without the mark is refused: it was not made by a benchmark.
`fresh=True` drops what the benchmark made before and creates it again; `drop_own_database()` removes it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MARK_FILE = ".pakn-bench"
COMMENT_PREFIX = "pakn-bench"


class NotOurs(SystemExit):
    """The target exists but was not created by a benchmark: never touch it."""


@dataclass(frozen=True)
class OwnDatabase:
    vendor: str  # "sqlite" or "postgresql"
    name: str  # the benchmark's name for it
    data_dir: Path  # PAKN_DATA_DIR (secrets, media, huey queue; the SQLite file)
    url: str  # PAKN_DATABASE_URL ("" for SQLite)
    server: str  # the PostgreSQL server URL without a database ("" for SQLite)

    @property
    def database(self) -> str:
        return f"pakn_bench_{self.name}" if self.vendor == "postgresql" else str(self.data_dir)


def _check_name(name: str) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name):
        raise SystemExit(f"benchmark database name must be lower-case letters, digits and _: {name!r}")


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"--postgres needs a postgres:// server URL, not {url!r}")
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def _pg_connect(server: str, database: str = "postgres"):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(_server_url(server, database), autocommit=True)


def _pg_owned(cursor, database: str) -> bool | None:  # type: ignore[no-untyped-def]
    """None when the database does not exist; else whether it carries a benchmark's mark."""
    cursor.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [database]
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return bool(row[0]) and str(row[0]).startswith(COMMENT_PREFIX + " ")


def _refuse_environment() -> None:
    for var in ("PAKN_DATABASE_URL", "PAKN_DATA_DIR"):
        if os.environ.get(var):
            raise SystemExit(
                f"{var} is set: a benchmark only uses a database it creates itself. Unset it and pass "
                "--postgres SERVER_URL (or nothing, for SQLite)."
            )


def own_database(name: str, *, postgres: str = "", fresh: bool = False) -> OwnDatabase:
    """Create (or reuse) the benchmark's own database and point this process's environment at it."""
    _check_name(name)
    _refuse_environment()
    data_dir = Path(f"/tmp/pakn-bench-{name}")
    mark = data_dir / MARK_FILE
    if data_dir.exists() and (not mark.exists() or mark.read_text().strip() != name):
        raise NotOurs(f"{data_dir} exists but was not made by a benchmark (no {MARK_FILE}); not touching it")
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARK_FILE).write_text(name + "\n")
    url = ""
    if postgres:
        database = f"pakn_bench_{name}"
        with _pg_connect(postgres) as conn, conn.cursor() as cursor:
            owned = _pg_owned(cursor, database)
            if owned is False:
                raise NotOurs(f"database {database} exists but was not made by a benchmark; not touching it")
            if owned and fresh:
                cursor.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
                owned = None
            if owned is None:
                cursor.execute(f'CREATE DATABASE "{database}"')
                cursor.execute(f"COMMENT ON DATABASE \"{database}\" IS '{COMMENT_PREFIX} {name}'")
        url = _server_url(postgres, database)
    os.environ["PAKN_DATA_DIR"] = str(data_dir)
    if url:
        os.environ["PAKN_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pakn.settings")
    os.environ["PAKN_DEBUG"] = "false"  # DEBUG would keep every bulk INSERT in memory
    print(f"benchmark database: {url or data_dir}", file=sys.stderr, flush=True)
    return OwnDatabase("postgresql" if url else "sqlite", name, data_dir, url, postgres if url else "")


def drop_own_database(db: OwnDatabase) -> None:
    """Remove what own_database() made (only if it still carries the benchmark's mark)."""
    if db.vendor == "postgresql":
        with _pg_connect(db.server) as conn, conn.cursor() as cursor:
            if _pg_owned(cursor, db.database):
                cursor.execute(f'DROP DATABASE "{db.database}" WITH (FORCE)')
    if (db.data_dir / MARK_FILE).exists():
        shutil.rmtree(db.data_dir)
