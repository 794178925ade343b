"""Model choice fields read their choices with one plain query; selects and textareas are written without
the template engine, exactly as Django's widget templates write them (pakn.core.choices and widgets, issue
13)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pakn.console.forms import InboxFilterForm
from pakn.core.widgets import ListedSelect, ListedTextarea
from pakn.org.models import Area, Category
from pakn.portal.forms import PublicFilterForm
from tests.conftest import Org


def _django_select(bound: Any, attrs: dict[str, Any] | None) -> str:
    widget = forms.Select()
    widget.choices = bound.field.widget.choices
    widget.attrs = bound.field.widget.attrs
    widget.is_required = bound.field.widget.is_required
    return str(bound.as_widget(widget=widget, attrs=attrs))


@pytest.mark.django_db
def test_the_select_is_byte_for_byte_djangos(org: Org) -> None:
    Category.objects.create(code="la-<b>", name='Tên "lạ" & <i>', position=99)
    commune = Area.objects.filter(kind=Area.Kind.COMMUNE, is_active=True).first()
    category = Category.objects.filter(is_active=True).first()
    assert commune is not None and category is not None
    forms_ = [
        PublicFilterForm({}),
        PublicFilterForm({"xa": "khong-co", "linh_vuc": "la-<b>"}),
        PublicFilterForm({"xa": commune.code, "linh_vuc": category.code}),
        InboxFilterForm({}, viewer=org.supervisor),
        InboxFilterForm({"area": commune.pk, "agency": org.commune.pk}, viewer=org.supervisor),
    ]
    compared = 0
    for form in forms_:
        for bound in form:
            if not isinstance(bound.field.widget, ListedSelect):
                continue
            for attrs in (None, {"aria-describedby": "x_helptext", "aria-invalid": "true", "data-x": 'a"<b'}):
                assert str(bound.as_widget(attrs=attrs)) == _django_select(bound, attrs)
                compared += 1
    assert compared >= 16


@pytest.mark.django_db
def test_choices_are_read_with_one_plain_query(org: Org) -> None:
    form = PublicFilterForm({})
    with CaptureQueriesContext(connection) as ctx:
        str(form["xa"])
    assert len(ctx.captured_queries) == 1
    assert "DECLARE" not in ctx.captured_queries[0]["sql"]  # no server-side cursor on PostgreSQL


@pytest.mark.parametrize("value", [None, "", 'Đã xử lý <b>xong</b> & "báo" lại', "  dòng\nhai  "])
@pytest.mark.parametrize(
    "attrs", [None, {"rows": "3", "required": True, "aria-invalid": "true", "disabled": False}]
)
def test_the_textarea_is_byte_for_byte_djangos(value: Any, attrs: dict[str, Any] | None) -> None:
    ours = ListedTextarea(attrs={"rows": "4"}).render("note", value, attrs=attrs)
    theirs = forms.Textarea(attrs={"rows": "4"}).render("note", value, attrs=attrs)
    assert ours == theirs
