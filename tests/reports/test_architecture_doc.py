"""docs/architecture.md follows the code (issue 12): its table of actions is the specs', the modules and names
it points to exist, and its layers and contracts are those import-linter checks (pyproject.toml)."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

from tests.reports.spec_table import DOC, render, table_in_doc

ROOT = Path(__file__).resolve().parents[2]
APPS = "core|org|workdays|reports|notify|portal|console|api|open311|stats|ops|demo"
# `reports/public.py`, `pakn/reports/actions.py`, `reports/selectors.py: case_events`
MODULE_REF = re.compile(rf"`(?:pakn/)?((?:{APPS})/[\w/]+)\.py(?::\s*([A-Za-z_]\w*))?")


def _importlinter() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def test_the_table_of_actions_is_the_specs():
    """Regenerate with `python -m tests.reports.spec_table` (see its docstring) after changing a spec."""
    assert table_in_doc(DOC.read_text(encoding="utf-8")) == render()


def test_every_module_and_name_the_document_points_to_exists():
    text = DOC.read_text(encoding="utf-8")
    refs = MODULE_REF.findall(text)
    assert len(refs) > 50
    missing = []
    for path, name in refs:
        if not (ROOT / "pakn" / f"{path}.py").exists():
            missing.append(f"pakn/{path}.py")
        elif name and not hasattr(importlib.import_module("pakn." + path.replace("/", ".")), name):
            missing.append(f"pakn/{path}.py: {name}")
    assert missing == []


def test_the_layers_and_contracts_are_those_import_linter_checks():
    text = DOC.read_text(encoding="utf-8")
    contracts = _importlinter()["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    for layer in layers:
        short = layer.replace("pakn.", "")
        assert re.search(rf"^{re.escape(short)}\s{{2,}}\S", text, re.MULTILINE), short
    for contract in contracts:
        assert f"| `{contract['id']}` | `{contract['type']}` |" in text, contract["id"]
    cycles = next(c for c in contracts if c["type"] == "acyclic_siblings")
    apps = {f"pakn.{app}" for app in APPS.split("|")}
    assert set(cycles["ancestors"]) == apps  # every app is checked for cycles
