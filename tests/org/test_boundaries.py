"""Commune boundaries (issue 14.1, 14.11; R-7.2a): an administrator imports them, a point names its commune,
and without them nothing is guessed."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pakn.org.boundaries import boundaries_import, commune_at
from pakn.org.models import Agency, Area, AreaBoundary, User
from pakn.org.services import suggested_commune_agency
from tests.support_boundaries import (
    IN_DONG_KINH,
    IN_LUONG_VAN_TRI,
    OUTSIDE,
    boundary_file,
    square,
)

pytestmark = pytest.mark.django_db


def test_without_boundaries_no_point_names_a_commune(org):
    assert commune_at(*IN_DONG_KINH) is None
    assert (
        suggested_commune_agency(org.commune_area, *IN_LUONG_VAN_TRI) == org.commune
    )  # the citizen's choice


def test_a_point_is_placed_in_the_commune_whose_boundary_covers_it(org):
    result = boundaries_import(data=boundary_file(), actor=None, source="ranh-gioi.geojson")
    assert result.imported == ["Phường Đông Kinh", "Phường Lương Văn Tri"]
    assert commune_at(*IN_DONG_KINH).code == "5977"
    assert commune_at(*IN_LUONG_VAN_TRI).code == "5983"
    assert commune_at(*OUTSIDE) is None


def test_the_iocs_suggested_agency_follows_the_boundary_not_the_chosen_commune(org):
    """R-7.2a: the IOC is offered the commune where the point lies, even if the citizen chose another."""
    boundaries_import(data=boundary_file(), actor=None)
    lvt = Agency.objects.get(kind=Agency.Kind.COMMUNE, area__code="5983", is_active=True)
    assert suggested_commune_agency(org.commune_area, *IN_LUONG_VAN_TRI) == lvt
    assert suggested_commune_agency(org.commune_area, *OUTSIDE) == org.commune
    assert suggested_commune_agency(org.commune_area, None, None) == org.commune


def test_an_import_is_recorded_and_replaces_the_earlier_boundary(org):
    admin = User.objects.create_superuser("quantri", "qt@example.vn", "Mat-khau-rat-dai-2026")
    boundaries_import(data=boundary_file(), actor=None, source="cu.geojson")
    moved = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "5977"},
                "geometry": square((22.0, 22.1, 106.0, 106.1)),
            }
        ],
    }
    boundaries_import(data=json.dumps(moved).encode(), actor=admin, source="moi.geojson")
    boundary = AreaBoundary.objects.get(area__code="5977", area__is_active=True)
    assert (boundary.source, boundary.imported_by) == ("moi.geojson", admin)
    assert commune_at(*IN_DONG_KINH) is None
    assert commune_at(22.05, 106.05).code == "5977"
    assert AreaBoundary.objects.count() == 2  # Lương Văn Tri's stays


def test_features_that_name_no_active_area_are_reported_and_skipped(org):
    unknown = {"type": "Feature", "properties": {"name": "Xã Không Có"}, "geometry": square((1, 2, 3, 4))}
    result = boundaries_import(data=boundary_file(x=unknown), actor=None)
    assert result.unmatched == ["Xã Không Có"]
    assert "1 vùng không khớp" in result.summary()[1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "không phải GeoJSON hợp lệ"),
        (b'{"type": "Feature"}', "phải là một FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "không có vùng nào"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "properties": {"code": "5977"},
                            "geometry": {"type": "Point", "coordinates": [106, 21]},
                        }
                    ],
                }
            ).encode(),
            "phải là Polygon hoặc MultiPolygon",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {"properties": {"code": "5977"}, "geometry": square((2100, 2200, 10600, 10700))}
                    ],
                }
            ).encode(),
            "kinh độ, vĩ độ",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [{"properties": {"code": "nope"}, "geometry": square((1, 2, 3, 4))}],
                }
            ).encode(),
            "Không vùng nào trong tệp khớp",
        ),
    ],
)
def test_a_bad_file_imports_nothing_and_says_why(org, data, message):
    with pytest.raises(ValidationError) as e:
        boundaries_import(data=data, actor=None)
    assert message in " ".join(e.value.messages)
    assert AreaBoundary.objects.count() == 0


def test_the_administrator_imports_a_file_in_the_admin(client, org):
    admin = User.objects.create_superuser("quantri", "qt@example.vn", "Mat-khau-rat-dai-2026")
    client.force_login(admin)
    page = client.get(reverse("admin:org_areaboundary_changelist"))
    assert "Nhập ranh giới từ tệp GeoJSON" in page.content.decode()
    upload = SimpleUploadedFile("ranh-gioi.geojson", boundary_file(), content_type="application/geo+json")
    response = client.post(reverse("admin:org_areaboundary_import"), {"file": upload}, follow=True)
    assert "Đã nhập ranh giới của 2 đơn vị hành chính." in response.content.decode()
    assert set(AreaBoundary.objects.values_list("area__code", flat=True)) == {"5977", "5983"}
    assert AreaBoundary.objects.filter(imported_by=admin).count() == 2
    bad = SimpleUploadedFile("x.geojson", b"{}", content_type="application/json")
    response = client.post(reverse("admin:org_areaboundary_import"), {"file": bad})
    assert "phải là một FeatureCollection" in response.content.decode()


def test_an_officer_cannot_open_the_import(client, org):
    client.force_login(org.officer)
    response = client.get(reverse("admin:org_areaboundary_import"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_command_imports_a_file(org, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "ranh-gioi.geojson"
    path.write_bytes(boundary_file())
    out = StringIO()
    call_command("import_boundaries", str(path), stdout=out)
    assert "Đã nhập ranh giới của 2 đơn vị hành chính." in out.getvalue()
    assert Area.objects.filter(boundary__isnull=False).count() == 2
