"""Choice fields over a model that read their choices with one ordinary query (issue 13).

Django's ModelChoiceIterator reads a field's choices with `QuerySet.iterator()`, which on PostgreSQL opens a
server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips and a materialised result) for
every select rendered — 10–20 ms a field on a loaded server, for a few dozen categories or communes. The
choices of a form's field are few, so these fields read them as a plain query; the rendered options are the
same.

Their select is written out by `pakn.core.widgets.ListedSelect`, without the template engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from pakn.core.widgets import ListedSelect


class ListedChoiceIterator(ModelChoiceIterator):
    """The field's choices from one plain query (kept in the field's queryset for the rest of the request)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator
    widget = ListedSelect


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator
