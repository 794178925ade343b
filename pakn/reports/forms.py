"""Django forms built from an action's spec: the console's action forms and the portal's reporter forms
start from `SpecForm`, so an input has the same label, limit, help text and error on every surface."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from pakn.core.widgets import ListedTextarea
from pakn.reports.actions import ActionSpec, Input, Kind
from pakn.reports.limits import text_errors
from pakn.reports.models import Report


def _lazy(text: Any) -> Any:
    """A spec's msgid translated when rendered; a label that is already lazy (model choices) as it is."""
    return gettext_lazy(text) if isinstance(text, str) and text else text


TOO_LONG = gettext_lazy("Tối đa %(limit_value)d ký tự (đang có %(show_value)d).")


class SpecForm(forms.Form):
    """The fields of an action's inputs shown for this report; `params()` gives the effect's parameters.

    Kinds that need the surface's own choices (agencies, officers, departments, files, a mark's value) are
    left to `field_for` of a subclass; this base builds text, one-line text, choices and yes/no.
    """

    def __init__(self, *args: Any, spec: ActionSpec, report: Report, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.report = report
        for item in spec.shown_inputs(report):
            field = self.field_for(item)
            if field is None:
                continue
            if item.initial is not None:
                field.initial = item.initial(report)
            elif item.default is not None:
                field.initial = item.default
            self.fields[item.name] = field

    def common(self, item: Input) -> dict[str, Any]:
        """Label, required, help text and the message for a missing value, as the spec says."""
        options: dict[str, Any] = {
            "label": _lazy(item.label),
            "required": item.required,
            "help_text": item.help_text(self.report),
        }
        messages: dict[str, Any] = {"required": _lazy(item.missing)} if item.missing else {}
        if item.max_length is not None:  # the words of limits.text_problem, which the workflow answers with
            messages["max_length"] = TOO_LONG
        if messages:
            options["error_messages"] = messages
        return options

    def field_for(self, item: Input) -> forms.Field | None:
        if item.kind == Kind.TEXT:
            widget = ListedTextarea(attrs={"rows": str(item.rows)})
            return forms.CharField(max_length=item.max_length, widget=widget, **self.common(item))
        if item.kind == Kind.LINE:
            return forms.CharField(max_length=item.max_length, **self.common(item))
        if item.kind == Kind.CHOICE:
            choices = [(code, _lazy(label)) for code, label in item.choices]
            return forms.ChoiceField(choices=choices, **self.common(item))
        if item.kind == Kind.FLAG:
            return forms.BooleanField(**{**self.common(item), "required": False})
        return None

    def clean(self) -> dict[str, Any]:
        """The core's limits and refused control characters, shown beside the field (issue 10, item 9)."""
        cleaned = super().clean() or {}
        texts = {k: v for k, v in cleaned.items() if isinstance(v, str) and k != "client_key"}
        for name, problems in text_errors(texts).items():
            if name in self.fields:
                self.add_error(name, problems)
        return cleaned

    def params(self) -> dict[str, Any]:
        """The effect's parameters from the cleaned data; an empty optional choice takes its default."""
        out: dict[str, Any] = {}
        for item in self.spec.inputs:
            if item.name not in self.cleaned_data:
                continue
            value = self.cleaned_data[item.name]
            if value in ("", None) and item.default is not None:
                value = item.default
            out[item.name] = value
        return out
