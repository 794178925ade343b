"""The seven categories of R-6.1, seeded by a data migration."""

from __future__ import annotations

import pytest

from pakn.org.models import Category

pytestmark = pytest.mark.django_db


def test_the_seven_categories_are_seeded_in_order():
    """R-6.1: security and order, traffic safety, sanitation, health, urban order, telecoms, other."""
    assert list(Category.objects.filter(is_active=True).values_list("code", "name")) == [
        ("an-ninh-trat-tu", "An ninh, trật tự"),
        ("an-toan-giao-thong", "An toàn giao thông"),
        ("ve-sinh-moi-truong", "Vệ sinh môi trường"),
        ("y-te", "Y tế"),
        ("trat-tu-do-thi", "Trật tự đô thị"),
        ("vien-thong", "Viễn thông"),
        ("linh-vuc-khac", "Lĩnh vực khác"),
    ]


def test_categories_are_data_an_admin_extends():
    """R-6.1, R-14.3: a proposed field becomes a new row."""
    Category.objects.create(code="dien-luc", name="Điện lực", position=8)
    assert Category.objects.count() == 8
