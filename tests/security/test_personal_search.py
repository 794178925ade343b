"""Item 12 of issue 10 (part): a phone or ID-number search never tells someone without the right to a
report's personal data who sent it (R-3.2)."""

from __future__ import annotations

import pytest

from tests.console.conftest import PLANTED_PHONE, Cases, signed_in

pytestmark = pytest.mark.django_db


def test_phone_search_by_an_officer_not_in_charge_does_not_reveal_the_reporters_case(org):
    cases = Cases(org)
    report = cases.in_progress()  # assigned to org.officer, in org.officer2's agency scope too
    assert report.assignee == org.officer
    colleague = signed_in(org.officer2)
    assert colleague.get(f"/console/phan-anh/{report.pk}/").status_code == 200  # he may see the case itself
    found = colleague.get("/console/", {"q": PLANTED_PHONE})
    assert report.tracking_code not in found.content.decode()
    mine = signed_in(org.officer).get("/console/", {"q": PLANTED_PHONE})
    assert report.tracking_code in mine.content.decode()
