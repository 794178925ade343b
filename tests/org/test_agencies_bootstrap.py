"""The agencies every installation starts with (R-2.1, R-4.4, R-7.5) and categories' departments (R-6.1)."""

from __future__ import annotations

import pytest

from pakn.org.models import Agency, Category
from pakn.org.services import agencies_bootstrap, org_import

pytestmark = pytest.mark.django_db


def test_base_agencies_exist_with_their_kinds_and_parents(org_2025):
    """R-2.1, R-4.4: the IOC, the supervisor, the departments and an enterprise."""
    ioc = Agency.objects.get(code="ioc")
    assert (ioc.kind, ioc.parent) == (Agency.Kind.IOC, None)
    assert ioc.name == "Trung tâm Thông tin chỉ đạo điều hành tỉnh (IOC)"
    supervisor = Agency.objects.get(code="vp-ubnd-tinh")
    assert (supervisor.name, supervisor.kind, supervisor.parent) == (
        "Văn phòng UBND tỉnh",
        Agency.Kind.SUPERVISOR,
        None,
    )
    departments = Agency.objects.filter(kind=Agency.Kind.DEPARTMENT)
    assert set(departments.values_list("name", flat=True)) == {
        "Công an tỉnh",
        "Sở Xây dựng",
        "Sở Nông nghiệp và Môi trường",
        "Sở Y tế",
        "Sở Khoa học và Công nghệ",
    }
    assert set(departments.values_list("parent", flat=True)) == {ioc.pk}
    enterprise = Agency.objects.get(kind=Agency.Kind.ENTERPRISE)
    assert enterprise.parent == ioc


def test_an_admin_rename_survives_a_reimport(org_2025):
    """R-2.1: agencies are data an administrator edits; the import never overwrites them."""
    Agency.objects.filter(code="so-xay-dung").update(
        name="Sở Giao thông vận tải", email="sgtvt@langson.gov.vn"
    )
    Agency.objects.filter(code="ubnd-2025-5977").update(name="UBND phường Đông Kinh (mới)")
    result = org_import(dataset="2025")
    assert not result.changed
    assert Agency.objects.get(code="so-xay-dung").name == "Sở Giao thông vận tải"
    assert Agency.objects.get(code="so-xay-dung").email == "sgtvt@langson.gov.vn"
    assert Agency.objects.get(code="ubnd-2025-5977").name == "UBND phường Đông Kinh (mới)"


def test_bootstrap_alone_creates_the_base_agencies_without_areas(db):
    """R-2.1: the demo and tests may call the bootstrap on its own."""
    result = agencies_bootstrap(dataset="2025")
    assert result.agencies_created == 8
    assert not Agency.objects.filter(area__isnull=False).exists()


def test_categories_are_linked_to_their_departments(org_2025):
    """R-6.1, R-7.5: each category names the department that handles it at province level."""
    linked = dict(Category.objects.values_list("code", "department__code"))
    assert linked == {
        "an-ninh-trat-tu": "cong-an-tinh",
        "an-toan-giao-thong": "so-xay-dung",
        "ve-sinh-moi-truong": "so-nong-nghiep-moi-truong",
        "y-te": "so-y-te",
        "trat-tu-do-thi": "so-xay-dung",
        "vien-thong": "so-khoa-hoc-cong-nghe",
        "linh-vuc-khac": None,
    }


def test_a_department_chosen_by_an_admin_is_kept(org_2025):
    """R-6.1: the import links a department only when the category names none."""
    police = Agency.objects.get(code="cong-an-tinh")
    Category.objects.filter(code="an-toan-giao-thong").update(department=police)
    org_import(dataset="2025")
    assert Category.objects.get(code="an-toan-giao-thong").department == police
