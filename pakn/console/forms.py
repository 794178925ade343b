"""Forms of the console: the workflow actions' form (derived from each action's spec), the inbox filters,
the second factor and the account import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pakn.console.models import ResponseTemplate
from pakn.core import choices
from pakn.org.models import Agency, Area, Category, User
from pakn.org.selectors import forward_targets
from pakn.org.services import suggested_commune_agency
from pakn.reports import media, services
from pakn.reports.actions import SPECS, ActionSpec, Group, Input, Kind
from pakn.reports.forms import SpecForm
from pakn.reports.inbox import InboxFilters, filter_agencies, sees_everything
from pakn.reports.models import Attachment, Channel, Event, Report, State
from pakn.reports.selectors import assignable_officers
from pakn.reports.staff_media import public_images, unpublished_staff_media

Role = User.Role


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos of a result, taken with the phone's camera)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*,video/*,audio/*", "capture": "environment"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# --- Workflow actions: one form class, built from each action's spec ----------------------------------------


FILE_KINDS = (Kind.FILES, Kind.UPLOADS, Kind.IMAGE)


def _attachment_label(attachment: Attachment) -> str:
    who = attachment.uploaded_by or _("người phản ánh")
    return (
        f"#{attachment.pk} · {attachment.get_kind_display()} · {who} · {attachment.created_at:%d/%m/%Y %H:%M}"
    )


class OfficerChoiceField(choices.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        role = "Lãnh đạo" if obj.role == Role.LEADER else "Cán bộ"
        return f"{obj} — {role}, {obj.open_cases} việc đang xử lý"


class ActionForm(SpecForm):
    """The console's form for one action, derived from its spec (pakn.reports.actions); `perform` takes it.

    The spec gives the inputs, labels, limits and help texts; this class gives the console's choices for the
    inputs that need them (agencies, officers, departments), the camera input for photos, and the response
    templates offered for the first text input.
    """

    def __init__(self, *args: Any, report: Report, user: User, action: str, **kwargs: Any):
        spec = SPECS[action]
        kwargs.setdefault("prefix", action)
        self.user = user
        super().__init__(*args, spec=spec, report=report, **kwargs)
        self.action = action
        self.title = spec.title(report)
        self.submit_label = spec.button()
        self.help_text = spec.help_text(report)
        self.danger = spec.danger
        self.has_files = any(i.kind in FILE_KINDS for i in spec.inputs)
        texts = [i.name for i in spec.inputs if i.kind == Kind.TEXT]
        self.template_purpose = spec.templates
        self.template_field = texts[0] if texts and spec.templates else ""
        if self.has_files:
            # A result with photos is sent once even when retried (the client's key, see action_once).
            self.fields["client_key"] = forms.CharField(
                required=False, widget=forms.HiddenInput, max_length=64
            )

    def field_for(self, item: Input) -> forms.Field | None:
        if item.kind == Kind.AGENCY:
            return self._agency_field(item)
        if item.kind == Kind.OFFICER:
            return self._officer_field(item)
        if item.kind == Kind.DEPARTMENTS:
            departments = Agency.objects.filter(kind=Agency.Kind.DEPARTMENT, is_active=True).order_by("name")
            return choices.ModelMultipleChoiceField(
                queryset=departments, widget=forms.CheckboxSelectMultiple, **self.common(item)
            )
        if item.kind in (Kind.STAFF_MEDIA, Kind.PUBLIC_IMAGE):
            return self._attachment_field(item)
        if item.kind == Kind.IMAGE:
            return forms.ImageField(**self.common(item))
        if item.kind in (Kind.FILES, Kind.UPLOADS):
            options = self.common(item)
            options["help_text"] = format_lazy(
                _("{help} (ảnh tối đa {image} MB, video {video} MB)."),
                help=str(options["help_text"]).rstrip("."),
                image=settings.PAKN_MEDIA_LIMITS_MB["image"],
                video=settings.PAKN_MEDIA_LIMITS_MB["video"],
            )
            return MultipleFileField(**options)
        if item.kind == Kind.TOGGLE:
            return None  # the console flips the mark: its value follows from the report
        return super().field_for(item)

    def _agency_field(self, item: Input) -> forms.Field:
        field = choices.ModelChoiceField(
            queryset=forward_targets().exclude(pk=self.report.agency_id),
            empty_label=_("— Chọn cơ quan —"),
            **self.common(item),
        )
        suggested = suggested_commune_agency(self.report.area, self.report.latitude, self.report.longitude)
        if suggested:
            field.initial = suggested.pk
            field.help_text = format_lazy(_("Gợi ý theo địa điểm: {name}."), name=suggested.name)
        return field

    def _attachment_field(self, item: Input) -> forms.Field:
        """Staff photos waiting for publication (check boxes), or one public image of the report."""
        several = item.kind == Kind.STAFF_MEDIA
        found = unpublished_staff_media(self.report) if several else public_images(self.report)
        options = [(str(a.pk), _attachment_label(a)) for a in found.select_related("uploaded_by")]
        if several:
            return forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, **self.common(item)
            )
        return forms.ChoiceField(choices=options, **self.common(item))

    def _officer_field(self, item: Input) -> forms.Field:
        officers = assignable_officers(self.report.agency)
        field = OfficerChoiceField(
            queryset=User.objects.filter(pk__in=[o.pk for o in officers]), **self.common(item)
        )
        field.choices = [("", "— Chọn cán bộ —")] + [
            (o.pk, field.label_from_instance(o)) for o in officers if o.pk != self.report.assignee_id
        ]
        return field

    def clean_photos(self) -> list[Any]:
        files = self.cleaned_data.get("photos") or []
        errors = []
        for f in files:
            try:
                media.check_upload(f, field="photos")
            except ValidationError as e:
                errors.extend(e.messages)
        existing = Attachment.objects.filter(report=self.report).count()
        if files and existing + len(files) > settings.PAKN_MAX_ATTACHMENTS:
            left = max(settings.PAKN_MAX_ATTACHMENTS - existing, 0)
            errors.append(
                f"Mỗi phản ánh có tối đa {settings.PAKN_MAX_ATTACHMENTS} tệp; chỉ còn gửi được {left} tệp."
            )
        if errors:
            raise ValidationError(errors)
        return files

    def perform(self) -> Event:
        params = self.params()
        photos = params.pop("photos", None) or []
        if self.spec.flag:
            params["value"] = not getattr(self.report, self.spec.flag)
        event = services.report_act(report=self.report, action=self.action, actor=self.user, **params)
        # Photos sent with a result are published by its approval; those sent with the province's published
        # result are published by that very action (issue 10, item 6).
        published = event if event.action == "publish_result" else None
        for f in photos:
            media.attachment_add(
                report=self.report,
                upload=f,
                by_reporter=False,
                event=event,
                uploaded_by=self.user,
                published_by_event=published,
            )
        return event

    def templates(self) -> list[ResponseTemplate]:
        if not self.template_purpose:
            return []
        return list(
            ResponseTemplate.objects.filter(is_active=True, purpose=self.template_purpose)
            .filter(Q(category__isnull=True) | Q(category_id=self.report.category_id))
            .order_by("-category_id", "position", "title")
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's errors beside the fields they name (or above the form)."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(
                    name if name in self.fields else None, [e.message % (e.params or {}) for e in errors]
                )
        else:
            self.add_error(None, error.messages)


def console_action(action: str) -> ActionSpec | None:
    """The spec of an action staff take on the console's case page (not the reporter's, not the sweep's)."""
    spec = SPECS.get(action)
    return spec if spec is not None and spec.group in (Group.PROCEDURE, Group.MARK) else None


# --- Inbox filters ----------------------------------------------------------------------------------------


class AreaChoiceField(choices.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return (
            f"{obj.name} ({obj.parent.name})" if obj.kind == Area.Kind.COMMUNE and obj.parent_id else obj.name
        )


class InboxFilterForm(forms.Form):
    category = choices.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("Tất cả"),
    )
    area = AreaChoiceField(
        label=_("Địa bàn"), queryset=Area.objects.none(), required=False, empty_label=_("Tất cả")
    )
    state = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Tất cả")), *State.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Kênh"), choices=[("", _("Tất cả")), *Channel.choices], required=False
    )
    agency = choices.ModelChoiceField(
        label=_("Cơ quan đang xử lý"), queryset=Agency.objects.none(), required=False, empty_label=_("Tất cả")
    )
    date_from = forms.DateField(
        label=_("Gửi từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = (
            Area.objects.filter(is_active=True)
            .exclude(kind=Area.Kind.PROVINCE)
            .select_related("parent")
            .order_by("kind", "name")
        )
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agencies = filter_agencies(viewer)
        agency.queryset = agencies
        if not sees_everything(viewer) and viewer.role != Role.LEADER:
            del self.fields["agency"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "Ngày kết thúc phải sau ngày bắt đầu.")
        return data

    def filters(self) -> InboxFilters:
        if not self.is_valid():
            return InboxFilters()
        d = self.cleaned_data
        return InboxFilters(
            category=d.get("category"),
            area=d.get("area"),
            state=d.get("state") or "",
            channel=d.get("channel") or "",
            agency=d.get("agency"),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
        )


# --- Second factor ----------------------------------------------------------------------------------------


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 chữ số"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) not in (6, 8):
            raise ValidationError("Mã xác thực gồm 6 chữ số, lấy từ ứng dụng xác thực trên điện thoại.")
        return token


# --- Leaders: hand-over of a focal official's cases (R-14.1) ---------------------------------------------


class HandoverForm(forms.Form):
    from_user = choices.ModelChoiceField(label=_("Cán bộ bàn giao"), queryset=User.objects.none())
    to_user = choices.ModelChoiceField(label=_("Cán bộ nhận bàn giao"), queryset=User.objects.none())

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(agency=agency).exclude(role="").order_by("last_name", "first_name")
        for name in ("from_user", "to_user"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = staff if name == "from_user" else staff.filter(is_active=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            self.add_error("to_user", "Người nhận bàn giao phải khác người bàn giao.")
        return data


# --- Accounts import (R-3.1, R-13.1) ----------------------------------------------------------------------


class AccountImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách tài khoản (.xlsx hoặc .csv)"),
        help_text=_("Các cột: mã cơ quan, vai trò, họ và tên, điện thoại, thư điện tử, tên đăng nhập."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            }
        ),
    )
    send_email = forms.BooleanField(
        label=_("Gửi thư đặt mật khẩu cho tài khoản có thư điện tử"), required=False, initial=True
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        name = (f.name or "").lower()
        if not name.endswith((".xlsx", ".csv")):
            raise ValidationError("Chỉ nhận tệp .xlsx (Excel) hoặc .csv.")
        if f.size > 2 * 1024 * 1024:
            raise ValidationError("Tệp quá lớn: tối đa 2 MB.")
        return f
