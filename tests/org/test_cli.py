"""`pakn import-areas`: the pakn command accepts dashed command names (R-7.6)."""

from __future__ import annotations

import sys

import django.core.management

from pakn import cli


def test_a_dashed_command_runs_the_underscored_one(monkeypatch):
    """R-7.6: `pakn import-areas --dataset 2022` runs import_areas."""
    seen: list[list[str]] = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    monkeypatch.setattr(sys, "argv", ["pakn", "import-areas", "--dataset", "2022"])
    cli.main()
    monkeypatch.setattr(sys, "argv", ["pakn", "--version"])
    cli.main()
    assert seen == [["pakn", "import_areas", "--dataset", "2022"], ["pakn", "--version"]]
