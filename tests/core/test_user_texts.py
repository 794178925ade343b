"""What citizens and officials read cites the regulation in its own words, never an internal requirement id
("(R-7.2b)": an SMS cut at "(R-1…" helps nobody). Docstrings and comments, read by developers, keep them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pakn.reports import workflow

ROOT = Path(__file__).resolve().parents[2] / "pakn"
INTERNAL_ID = re.compile(r"\bR-\d+(\.\d+[a-z]?)?\b")


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstring_lines(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.lineno not in skip
    ]


# English descriptions of the REST API's fields are developer documentation of the API, like docstrings.
DEVELOPER_TEXT = {"api/schemas.py"}


def test_no_string_the_code_shows_cites_an_internal_id():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:80]}"
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in DEVELOPER_TEXT
        for line, text in _string_constants(path)
        if INTERNAL_ID.search(text)
    ]
    assert found == []


def test_no_template_cites_an_internal_id():
    found = []
    for path in sorted([*ROOT.rglob("*.html"), *ROOT.rglob("*.txt")]):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INTERNAL_ID.finditer(text)]
    assert found == []


@pytest.mark.parametrize("catalogue", sorted(str(p) for p in ROOT.rglob("*.po")))
def test_no_translation_cites_an_internal_id(catalogue):
    entries = [
        line for line in Path(catalogue).read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    assert [line for line in entries if INTERNAL_ID.search(line)] == []


def test_the_reasons_sent_to_reporters_use_the_regulations_words():
    """R-1.2, R-5.3, R-7.2b: the reasons a reporter receives name the article as the regulation does."""
    assert "theo khoản 1 Điều 1 Quy chế" in workflow.REJECT_REASONS["complaint"]
    assert "theo Điều 5 Quy chế" in workflow.REJECT_REASONS["invalid"]
    assert all(not INTERNAL_ID.search(text) for text in workflow.REJECT_REASONS.values())
