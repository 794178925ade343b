"""Strict readers of PAKN_* environment variables (secrets may also come from NAME_FILE), and the kind of
environment they describe (demo or production, under tests or not, the data directory), which both settings
modules (pakn.settings, pakn.settings_features) build on."""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value, or the contents of the file named by NAME_FILE, or the default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            with open(file_name, encoding="utf-8") as f:
                return f.read().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {e}") from e
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value in ("True", "true", "1", "yes"):
        return True
    if value in ("False", "false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from e


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- The environment's kind -------------------------------------------------------------------------------

BASE_DIR = Path(__file__).resolve().parent.parent
PAKN_ENV = env_str("PAKN_ENV", "demo")
if PAKN_ENV not in ("demo", "production"):
    raise ImproperlyConfigured(f"PAKN_ENV must be 'demo' or 'production', not {PAKN_ENV!r}")
PRODUCTION = PAKN_ENV == "production"
TESTING = "pytest" in sys.modules or env_bool("PAKN_TESTING", False)

DATA_DIR = Path(env_str("PAKN_DATA_DIR", str(BASE_DIR / "var")) or "var")


def write_once(path: Path, data: dict[str, str]) -> None:
    """Create `path` with `data` whole or not at all: written aside, then linked into place (a second process
    starting at the same moment reads the first one's complete file, never a half-written one)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process created it first; read theirs
    finally:
        os.unlink(tmp)
