"""Forms of the portal: the report (R-5.1, R-5.2), follow-up actions (R-7.2b, R-8), look-up and public filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pakn.core import choices
from pakn.org.models import Area, Category
from pakn.portal.labels import STATE_LABELS
from pakn.portal.selectors import PERIODS, STATUS_GROUPS, categories, communes
from pakn.reports.actions import SPECS, Input
from pakn.reports.forms import SpecForm
from pakn.reports.limits import (
    ADDRESS_MAX,
    CONTENT_MAX,
    EMAIL_MAX,
    ID_NUMBER_MAX,
    NAME_MAX,
    PHONE_MAX,
    text_errors,
)
from pakn.reports.models import Report, ReporterKind
from pakn.reports.validators import normalize_id_number, normalize_phone


def _limit(name: str) -> int | None:
    """A supplement input's length limit, from its spec (the same in the API)."""
    return SPECS["supplement"].input(name).max_length


class CoordinateField(forms.FloatField):
    """A latitude or longitude typed with a dot or a comma."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]  # FloatField's stub says int
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)  # type: ignore[no-any-return]


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class CommuneChoiceField(choices.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TextChecked(forms.Form):
    """Every text field checked against the core's limits and refused control characters (issue 10, item 9)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        texts = {k: v for k, v in cleaned.items() if isinstance(v, str)}
        for name, problems in text_errors(texts).items():
            self.add_error(name, problems)
        return cleaned


class PlaceFieldsMixin(TextChecked):
    address_text = forms.CharField(
        label=_("Địa điểm cụ thể"),
        max_length=ADDRESS_MAX,
        required=False,
        help_text=_("Số nhà, tên đường, thôn, tổ dân phố hoặc mốc dễ nhận biết."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    area = CommuneChoiceField(
        label=_("Xã, phường"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("— Chọn xã, phường —"),
    )
    latitude = CoordinateField(
        label=_("Vĩ độ"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Vĩ độ phải là một số, ví dụ 21.8537.")},
    )
    longitude = CoordinateField(
        label=_("Kinh độ"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Kinh độ phải là một số, ví dụ 106.7615.")},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = communes()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_place(cleaned)
        return cleaned

    def clean_place(self, cleaned: dict[str, Any]) -> None:
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if (
            (lat is None) != (lng is None)
            and "latitude" not in self.errors
            and "longitude" not in self.errors
        ):
            self.add_error("latitude", _("Vui lòng nhập đủ vĩ độ và kinh độ (hoặc chọn vị trí trên bản đồ)."))


def _checked(normalize: Callable[[str], Any], value: str) -> str:
    """`value` as typed when the core's validator accepts it (or it is empty); its messages translated."""
    if value:
        try:
            normalize(value)
        except ValidationError as e:
            raise ValidationError([gettext(m) for m in e.messages]) from e
    return value


def _clean_phone(value: str) -> str:
    return _checked(normalize_phone, value)


class ReporterNumbersChecked(PlaceFieldsMixin):
    """A form with the place and the reporter's phone and ID number, each checked when given (R-5.1)."""

    def clean_reporter_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("reporter_phone", "").strip())

    def clean_reporter_id_number(self) -> str:
        return _checked(normalize_id_number, self.cleaned_data.get("reporter_id_number", "").strip())


class ReportForm(ReporterNumbersChecked):
    """What R-5.1 asks for, and the declaration of R-5.2."""

    # Parsed by the view: a malformed key (an old cached form) must not stop the report.
    submission_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    category = choices.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.none(),
        empty_label=_("— Chọn lĩnh vực —"),
        error_messages=_required(_("Vui lòng chọn lĩnh vực.")),
    )
    content = forms.CharField(
        label=_("Nội dung phản ánh"),
        max_length=CONTENT_MAX,
        help_text=_("Sự việc gì, ở đâu, từ khi nào, ảnh hưởng thế nào. Nội dung này được công khai."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            **_required(_("Vui lòng nhập nội dung phản ánh.")),
            "max_length": _("Nội dung tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."),
        },
    )
    reporter_kind = forms.ChoiceField(
        label=_("Người gửi là"),
        choices=[(ReporterKind.PERSON, _("Cá nhân")), (ReporterKind.ORGANISATION, _("Tổ chức"))],
        initial=ReporterKind.PERSON,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(
        label=_("Họ và tên (hoặc tên tổ chức)"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages=_required(_("Vui lòng nhập họ và tên.")),
    )
    reporter_address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=ADDRESS_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages=_required(_("Vui lòng nhập địa chỉ liên hệ.")),
    )
    reporter_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=PHONE_MAX,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages=_required(_("Vui lòng nhập số điện thoại.")),
    )
    reporter_id_number = forms.CharField(
        label=_("Số định danh cá nhân / CCCD"),
        max_length=ID_NUMBER_MAX,
        help_text=_("12 chữ số, in trên thẻ căn cước hoặc căn cước công dân."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages=_required(_("Vui lòng nhập số định danh cá nhân (12 chữ số).")),
    )
    reporter_email = forms.EmailField(
        label=_("Thư điện tử (không bắt buộc)"),
        required=False,
        max_length=EMAIL_MAX,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    declared_truthful = forms.BooleanField(
        label=_(
            "Tôi cam đoan thông tin phản ánh là đúng sự thật và đã đọc thông báo về xử lý dữ liệu cá nhân ở trên."
        ),
        error_messages=_required(_("Vui lòng cam kết thông tin phản ánh là trung thực.")),
    )

    field_order = [
        "submission_key",
        "category",
        "content",
        "latitude",
        "longitude",
        "area",
        "address_text",
        "reporter_kind",
        "reporter_name",
        "reporter_phone",
        "reporter_id_number",
        "reporter_address",
        "reporter_email",
        "declared_truthful",
    ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories()  # type: ignore[attr-defined]
        # The error summary names this long checkbox by a short word.
        self.fields["declared_truthful"].summary_label = _("Cam kết")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        has_pin = cleaned.get("latitude") is not None and cleaned.get("longitude") is not None
        if not (cleaned.get("address_text") or cleaned.get("area") or has_pin) and not self.has_error(
            "latitude"
        ):
            self.add_error(
                "address_text",
                _(
                    "Vui lòng cho biết nơi xảy ra sự việc: chọn trên bản đồ, chọn xã, phường hoặc ghi địa điểm."
                ),
            )
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """The keyword arguments of pakn.reports.services.report_submit."""
        c = self.cleaned_data
        return {
            "category": c["category"],
            "content": c["content"],
            "address_text": c.get("address_text", ""),
            "area": c.get("area"),
            "latitude": c.get("latitude"),
            "longitude": c.get("longitude"),
            "reporter_kind": c.get("reporter_kind") or ReporterKind.PERSON,
            "reporter_name": c["reporter_name"],
            "reporter_address": c["reporter_address"],
            "reporter_phone": c["reporter_phone"],
            "reporter_id_number": c["reporter_id_number"],
            "reporter_email": c.get("reporter_email", ""),
            "declared_truthful": bool(c.get("declared_truthful")),
        }


class SupplementForm(ReporterNumbersChecked):
    """R-7.2b: what the IOC asked for; every field optional, but something must be given."""

    note = forms.CharField(
        label=_("Thông tin bổ sung"),
        required=False,
        max_length=_limit("note"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reporter_name = forms.CharField(label=_("Họ và tên"), required=False, max_length=_limit("reporter_name"))
    reporter_address = forms.CharField(
        label=_("Địa chỉ liên hệ"), required=False, max_length=_limit("reporter_address")
    )
    reporter_phone = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        max_length=_limit("reporter_phone"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    reporter_id_number = forms.CharField(
        label=_("Số định danh cá nhân / CCCD"),
        required=False,
        max_length=_limit("reporter_id_number"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def service_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        fields: dict[str, Any] = {
            name: c.get(name)
            for name in (
                "address_text",
                "area",
                "reporter_name",
                "reporter_address",
                "reporter_phone",
                "reporter_id_number",
            )
            if c.get(name) not in (None, "")
        }
        if c.get("latitude") is not None and c.get("longitude") is not None:
            fields["latitude"] = c["latitude"]
            fields["longitude"] = c["longitude"]
        return fields


class ReporterActionForm(SpecForm):
    """A reporter's action on the private page (R-8.1 reply, R-8.3 rating), derived from its spec."""

    def __init__(self, *args: Any, action: str, report: Report, **kwargs: Any):
        # The reply and the rating share the page and both have a «note»: ids of their own (not names).
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, spec=SPECS[action], report=report, **kwargs)

    def field_for(self, item: Input) -> forms.Field | None:
        field = super().field_for(item)
        if isinstance(field, forms.ChoiceField):
            field.widget = forms.RadioSelect(choices=field.widget.choices)
        return field


class LookupForm(forms.Form):
    ma = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=20,
        help_text=_("Mã gồm 8 ký tự in trên trang xác nhận, ví dụ K7MP-4QX9."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages=_required(_("Vui lòng nhập mã tra cứu.")),
    )


def _status_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("Mọi trạng thái")),
        *STATUS_GROUPS.items(),
        *((str(k), v) for k, v in STATE_LABELS.items()),
    ]


class PublicFilterForm(forms.Form):
    """Filters of the public list and map (R-9.2)."""

    q = forms.CharField(
        label=_("Từ khóa hoặc mã"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    linh_vuc = choices.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Mọi lĩnh vực"),
    )
    xa = CommuneChoiceField(
        label=_("Xã, phường"),
        queryset=Area.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Mọi xã, phường"),
    )
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=_status_choices)
    thoi_gian = forms.ChoiceField(
        label=_("Thời gian gửi"),
        required=False,
        choices=[("", _("Mọi thời gian")), *PERIODS.items()],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["linh_vuc"].queryset = categories()  # type: ignore[attr-defined]
        self.fields["xa"].queryset = communes()  # type: ignore[attr-defined]


class PhoneSignInForm(forms.Form):
    """ "Phản ánh của tôi": the phone number the reports were sent from."""

    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=30,
        help_text=_("Số điện thoại bạn đã ghi khi gửi phản ánh, ví dụ 0912 345 678."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
        error_messages=_required(_("Vui lòng nhập số điện thoại.")),
    )

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"].strip())


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận"),
        max_length=12,
        help_text=_("Mã gồm 6 chữ số trong tin nhắn vừa gửi đến điện thoại của bạn."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages=_required(_("Vui lòng nhập mã xác nhận.")),
    )
