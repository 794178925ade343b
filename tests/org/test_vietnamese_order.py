"""Names sort in Vietnamese alphabetical order everywhere (issue 14.6): in Python, SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pakn.core.collation import vietnamese_key, vietnamese_sorted
from pakn.org.models import Agency, Area

EXPECTED = [
    "Phường Đông Kinh",
    "Xã Ái Quốc",
    "Xã An Hùng",
    "Xã Ân Tình",
    "Xã Bắc Sơn",
    "Xã Dân Hóa",
    "Xã Đoàn Kết",
    "Xã Ươi",
]


def test_python_order_follows_the_vietnamese_alphabet():
    shuffled = [EXPECTED[i] for i in (6, 2, 7, 0, 4, 1, 5, 3)]
    assert vietnamese_sorted(shuffled) == EXPECTED


def test_tones_only_break_ties_in_dictionary_order():
    assert vietnamese_sorted(["ạ", "á", "ã", "ả", "à", "a"]) == ["a", "à", "ả", "ã", "á", "ạ"]
    assert vietnamese_sorted(["Xã Ba", "xã Bà", "Xã Bá"]) == ["Xã Ba", "xã Bà", "Xã Bá"]


@given(st.lists(st.text(alphabet="aăâdđeêoôơuưAĂÂDĐàáạ xy0", max_size=6), max_size=8))
def test_the_key_is_a_total_order_consistent_with_equality(words):
    ordered = vietnamese_sorted(words)
    assert sorted(ordered) == sorted(words)
    for a, b in itertools.pairwise(ordered):
        assert vietnamese_key(a) <= vietnamese_key(b)


@pytest.mark.django_db
def test_the_database_orders_names_the_vietnamese_way():
    province = Area.objects.create(dataset="x", code="99", name="Tỉnh Thử", kind=Area.Kind.PROVINCE)
    for i, name in enumerate(reversed(EXPECTED)):
        Area.objects.create(
            dataset="x", code=str(100 + i), name=name, kind=Area.Kind.COMMUNE, parent=province
        )
    names = list(
        Area.objects.filter(dataset="x", kind=Area.Kind.COMMUNE)
        .order_by("name")
        .values_list("name", flat=True)
    )
    assert names == EXPECTED


@pytest.mark.django_db
def test_the_2025_communes_are_listed_in_vietnamese_order(org):
    names = list(
        Area.objects.filter(kind=Area.Kind.COMMUNE, is_active=True)
        .order_by("name")
        .values_list("name", flat=True)
    )
    assert "Xã Bắc Sơn" in names and "xã Bắc Sơn" not in names  # capitalised on import
    assert names == vietnamese_sorted(names)
    assert names.index("Phường Đông Kinh") < names.index("Phường Tam Thanh")
    assert names.index("Xã Đình Lập") < names.index("Xã Hữu Liên")
    agencies = list(
        Agency.objects.filter(kind=Agency.Kind.COMMUNE).order_by("name").values_list("name", flat=True)
    )
    assert agencies == vietnamese_sorted(agencies)
