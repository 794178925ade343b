"""Choice fields over a model that read their choices with one ordinary query (issue 13).

Django's ModelChoiceIterator reads a field's choices with `QuerySet.iterator()`, which on PostgreSQL opens a
server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips and a materialised result) for
every select rendered — 10–20 ms a field on a loaded server, for a few dozen categories or communes. The
choices of a form's field are few, so these fields read them as a plain query; the rendered options are the
same.

Their select is written out by `ListedSelect` in Python, byte for byte what Django's templates
(django/forms/widgets/select.html, select_option.html, attrs.html) write: those include two templates per
option, a few milliseconds for the public filters' 65 communes and 20 categories on every list page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


class ListedChoiceIterator(ModelChoiceIterator):
    """The field's choices from one plain query (kept in the field's queryset for the rest of the request)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class ListedSelect(forms.Select):
    """A select written without the template engine, as django/forms/widgets/select.html writes it."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                html.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # every value above is escaped


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator
    widget = ListedSelect


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator
