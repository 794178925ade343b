"""The environment of a child process a test starts (a pakn command, a fresh interpreter)."""

from __future__ import annotations

import os

# Set in this process by the browser fixture (Playwright's event loop runs in the test's thread); a child
# process must not inherit it: `check --deploy` rightly refuses it (async.E001).
PARENT_ONLY = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def child_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any PAKN_* setting or parent-only switch, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAKN_") and k not in PARENT_ONLY}
    env.update(overrides)
    return env
