"""`pakn import-areas`: the areas of both datasets, idempotent, switchable (R-7.6)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from pakn.org.models import Agency, Area
from pakn.org.services import org_import

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[list[dict], list[dict]]:
    areas = [model_to_dict(a) for a in Area.objects.order_by("pk")]
    agencies = [model_to_dict(a) for a in Agency.objects.order_by("pk")]
    return areas, agencies


def test_2022_has_province_eleven_districts_and_194_communes(org_2022):
    """R-7.6: the 2022 data is province → 11 districts → 194 communes."""
    areas = Area.objects.filter(dataset="2022")
    assert areas.filter(kind=Area.Kind.PROVINCE).count() == 1
    assert areas.filter(kind=Area.Kind.DISTRICT).count() == 11
    assert areas.filter(kind=Area.Kind.COMMUNE).count() == 194
    assert not areas.filter(kind=Area.Kind.COMMUNE, parent__kind=Area.Kind.PROVINCE).exists()
    that_khe = areas.get(code="6040")
    assert (that_khe.name, that_khe.type_label) == ("Thị trấn Thất Khê", "thị trấn")
    assert that_khe.parent is not None and that_khe.parent.name == "Huyện Tràng Định"
    assert that_khe.parent.parent is not None and that_khe.parent.parent.name == "Tỉnh Lạng Sơn"
    assert that_khe.legacy_codes == []


def test_2025_has_province_and_65_communes_with_their_former_codes(org_2025):
    """R-7.6: since 1 July 2025 the province has 65 communes and wards directly below it."""
    areas = Area.objects.filter(dataset="2025")
    assert areas.filter(kind=Area.Kind.PROVINCE).count() == 1
    assert areas.filter(kind=Area.Kind.DISTRICT).count() == 0
    assert areas.filter(kind=Area.Kind.COMMUNE).count() == 65
    province = areas.get(kind=Area.Kind.PROVINCE)
    assert set(areas.filter(kind=Area.Kind.COMMUNE).values_list("parent", flat=True)) == {province.pk}
    dong_kinh = areas.get(code="5977")
    assert dong_kinh.name == "Phường Đông Kinh"
    assert dong_kinh.type_label == "phường"
    assert dong_kinh.legacy_codes == ["5977", "5980", "5992", "6247"]


def test_default_dataset_is_2025(db):
    """R-7.6: the command imports today's two-tier data unless told otherwise."""
    call_command("import_areas", stdout=StringIO())
    assert Area.objects.filter(dataset="2025", is_active=True).count() == 66
    assert not Area.objects.filter(dataset="2022").exists()


def test_running_the_import_twice_changes_nothing(org_2025):
    """R-7.6: the import is idempotent, so `make run` can run it every time."""
    before = _snapshot()
    again = org_import(dataset="2025")
    assert not again.changed
    assert _snapshot() == before


def test_command_prints_a_vietnamese_summary(db):
    """R-7.6: the administrator sees how many areas of each kind were imported."""
    out = StringIO()
    call_command("import_areas", "--dataset", "2022", stdout=out)
    text = out.getvalue()
    assert "Bộ dữ liệu 2022" in text
    assert "Tỉnh: 1; Huyện: 11; Xã/phường: 194" in text
    out = StringIO()
    call_command("import_areas", "--dataset", "2022", stdout=out)
    assert "không có gì thay đổi" in out.getvalue()


def test_switching_dataset_deactivates_the_other_areas_and_committees(org_2022):
    """R-7.6: the other dataset's areas and committees stay for old reports but are no longer active."""
    org_import(dataset="2025")
    assert not Area.objects.filter(dataset="2022", is_active=True).exists()
    assert Area.objects.filter(dataset="2025", is_active=True).count() == 66
    assert not Agency.objects.filter(area__dataset="2022", is_active=True).exists()
    assert Agency.objects.filter(area__dataset="2025", is_active=True).count() == 65
    assert Agency.objects.filter(area__dataset="2022").count() == 11 + 194

    org_import(dataset="2022")
    assert not Area.objects.filter(dataset="2025", is_active=True).exists()
    assert not Agency.objects.filter(area__dataset="2025", is_active=True).exists()
    assert Agency.objects.filter(area__dataset="2022", is_active=True).count() == 11 + 194
    # Agencies without an area (IOC, supervisor, departments, enterprises) never follow the dataset.
    assert not Agency.objects.filter(area__isnull=True, is_active=False).exists()


def test_an_edited_area_is_restored_from_the_official_data(org_2025):
    """R-7.6: areas are reference data; a re-import puts the official name back."""
    Area.objects.filter(dataset="2025", code="5977").update(name="Sai tên")
    result = org_import(dataset="2025")
    assert result.areas_updated == 1
    assert Area.objects.get(dataset="2025", code="5977").name == "Phường Đông Kinh"
