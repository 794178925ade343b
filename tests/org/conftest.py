"""Fixtures: the areas and agencies of each dataset, imported as `pakn import-areas` does."""

from __future__ import annotations

import pytest

from pakn.org.models import Agency
from pakn.org.services import ImportResult, org_import


@pytest.fixture
def org_2025(db: None) -> ImportResult:
    return org_import(dataset="2025")


@pytest.fixture
def org_2022(db: None) -> ImportResult:
    return org_import(dataset="2022")


@pytest.fixture
def ioc(org_2025: ImportResult) -> Agency:
    return Agency.objects.get(code="ioc")
