"""The escalation chain is data (R-7.6): 2022 commune → district → IOC, 2025 commune → IOC."""

from __future__ import annotations

import pytest

from pakn.org.models import Agency, Area
from pakn.org.services import commune_agency_for_area, org_import

pytestmark = pytest.mark.django_db


def test_2022_commune_escalates_to_its_district_then_to_the_ioc(org_2022):
    """R-7.3b, R-7.4, R-7.6: three levels in the 2022 data."""
    that_khe = Area.objects.get(dataset="2022", code="6040")
    committee = commune_agency_for_area(that_khe)
    assert committee is not None
    assert committee.name == "UBND Thị trấn Thất Khê"
    assert committee.code == "ubnd-2022-6040"
    assert committee.kind == Agency.Kind.COMMUNE
    assert [a.name for a in committee.ancestors()] == [
        "UBND Huyện Tràng Định",
        "Trung tâm Thông tin chỉ đạo điều hành tỉnh (IOC)",
    ]
    district = committee.parent
    assert district is not None
    assert (district.kind, district.code, district.area) == (
        Agency.Kind.DISTRICT,
        "ubnd-2022-180",
        that_khe.parent,
    )


def test_2025_commune_escalates_straight_to_the_ioc(org_2025):
    """R-7.6: two-tier local government since 1 July 2025."""
    dong_kinh = Area.objects.get(dataset="2025", code="5977")
    committee = commune_agency_for_area(dong_kinh)
    assert committee is not None
    assert (committee.name, committee.code) == ("UBND Phường Đông Kinh", "ubnd-2025-5977")
    assert [a.code for a in committee.ancestors()] == ["ioc"]


def test_every_committee_chain_ends_at_the_ioc(org_2022):
    """R-7.6: no committee is left without a way up."""
    org_import(dataset="2025")
    for agency in Agency.objects.filter(area__isnull=False):
        chain = agency.ancestors()
        assert chain and chain[-1].code == "ioc", agency


def test_city_district_committee_is_named_after_the_city(org_2022):
    """R-2.1: the People's Committee of Thành phố Lạng Sơn."""
    assert Agency.objects.get(code="ubnd-2022-178").name == "UBND Thành phố Lạng Sơn"


def test_no_committee_for_areas_without_one_or_inactive_ones(org_2022):
    """R-7.2a: the IOC forwards only to an active commune committee."""
    assert commune_agency_for_area(None) is None
    assert commune_agency_for_area(Area.objects.get(dataset="2022", kind=Area.Kind.PROVINCE)) is None
    assert commune_agency_for_area(Area.objects.get(dataset="2022", code="180")) is None
    org_import(dataset="2025")
    # A retired 2022 commune is never the answer: the committee of the 2025 commune that absorbed it is
    # (its legacy_codes, issue 11); a commune split between two new ones is not guessed.
    successor = commune_agency_for_area(Area.objects.get(dataset="2022", code="6040"))
    assert successor is not None and successor.code == "ubnd-2025-6040" and successor.is_active
    assert commune_agency_for_area(Area.objects.get(dataset="2022", code="6622")) is None


def test_an_admin_can_change_the_chain(org_2022):
    """R-7.6: the chain is data; an edited parent survives a re-import."""
    commune = Agency.objects.get(code="ubnd-2022-6040")
    ioc = Agency.objects.get(code="ioc")
    commune.parent = ioc
    commune.save(update_fields=["parent"])
    org_import(dataset="2022")
    commune.refresh_from_db()
    assert commune.parent == ioc
