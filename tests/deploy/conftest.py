"""The deployment tests drive real servers through deploy/testenv/testenv.py (importable as `testenv`)."""

from __future__ import annotations

import sys
from pathlib import Path

TESTENV = Path(__file__).resolve().parents[2] / "deploy" / "testenv"
if str(TESTENV) not in sys.path:
    sys.path.insert(0, str(TESTENV))
