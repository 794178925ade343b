"""Forms of the console: one per workflow action (each knows the service it calls), the inbox filters,
the second factor and the account import."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pakn.console.models import ResponseTemplate
from pakn.org.models import Agency, Area, Category, User
from pakn.org.selectors import forward_targets
from pakn.org.services import suggested_commune_agency
from pakn.reports import media, services
from pakn.reports.inbox import InboxFilters, filter_agencies, sees_everything
from pakn.reports.limits import limit_for, text_errors
from pakn.reports.models import Attachment, Channel, Event, Report, State
from pakn.reports.selectors import assignable_officers

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


def _textarea(rows: int = 4, **attrs: str) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": str(rows), **attrs})


# --- Workflow actions -------------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """A form for one action of the workflow table; `perform` calls the service."""

    action: ClassVar[str] = ""
    submit_label: ClassVar[str | Promise] = _("Xác nhận")
    help_text: ClassVar[str | Promise] = ""
    danger: ClassVar[bool] = False
    template_purpose: ClassVar[str] = ""  # response templates offered (ResponseTemplate.Purpose)
    template_field: ClassVar[str] = ""
    has_files: ClassVar[bool] = False

    def __init__(self, *args: Any, report: Report, user: User, **kwargs: Any):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.report = report
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.widget.attrs.setdefault("maxlength", str(limit_for(name)))

    def perform(self) -> Event:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        """The core's limits and control characters, shown beside the field (issue 10, item 9)."""
        cleaned = super().clean() or {}
        texts = {k: v for k, v in cleaned.items() if isinstance(v, str) and k != "client_key"}
        for name, problems in text_errors(texts).items():
            if name in self.fields:
                self.add_error(name, problems)
        return cleaned

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


class ForwardForm(ActionForm):
    action = "forward"
    submit_label = _("Chuyển xử lý")
    help_text = _("Chuyển phản ánh đến UBND xã, phường nơi xảy ra sự việc (theo Điều 7 Quy chế).")

    agency = forms.ModelChoiceField(
        label=_("Cơ quan xử lý"), queryset=Agency.objects.none(), empty_label=_("— Chọn cơ quan —")
    )
    note = forms.CharField(label=_("Ghi chú (không bắt buộc)"), required=False, widget=_textarea(2))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = forward_targets().exclude(pk=self.report.agency_id)
        self.suggested = suggested_commune_agency(
            self.report.area, self.report.latitude, self.report.longitude
        )
        if self.suggested:
            field.initial = self.suggested.pk
            field.help_text = format_lazy(_("Gợi ý theo địa điểm: {name}."), name=self.suggested.name)

    def perform(self) -> Event:
        return services.report_forward(
            report=self.report,
            actor=self.user,
            agency=self.cleaned_data["agency"],
            note=self.cleaned_data["note"],
        )


class RequestInfoForm(ActionForm):
    action = "request_info"
    submit_label = _("Gửi đề nghị bổ sung")
    help_text = _("Người phản ánh có 01 giờ để bổ sung; quá hạn phản ánh sẽ bị hủy (theo Điều 7 Quy chế).")
    template_purpose = ResponseTemplate.Purpose.REQUEST_INFO
    template_field = "note"

    note = forms.CharField(label=_("Thông tin cần bổ sung"), widget=_textarea(3))

    def perform(self) -> Event:
        return services.report_request_info(
            report=self.report, actor=self.user, note=self.cleaned_data["note"]
        )


REJECT_CHOICES = [
    ("complaint", _("Là khiếu nại, tố cáo (theo Điều 1 Quy chế)")),
    ("legal_advice", _("Là đề nghị tư vấn pháp luật (theo Điều 1 Quy chế)")),
    ("unlawful", _("Nội dung trái quy định của pháp luật (theo Điều 7 Quy chế)")),
    ("invalid", _("Không đáp ứng quy định về nội dung, thông tin (theo Điều 5 Quy chế)")),
    ("duplicate", _("Trùng với phản ánh đã tiếp nhận")),
    ("other", _("Lý do khác")),
]


class RejectForm(ActionForm):
    action = "reject"
    submit_label = _("Từ chối tiếp nhận")
    help_text = _("Lý do từ chối được gửi cho người phản ánh.")
    danger = True

    reason_code = forms.ChoiceField(label=_("Lý do"), choices=REJECT_CHOICES)
    note = forms.CharField(
        label=_("Giải thích thêm"),
        required=False,
        widget=_textarea(2),
        help_text=_("Bắt buộc khi chọn «Lý do khác»."),
    )

    def perform(self) -> Event:
        return services.report_reject(
            report=self.report,
            actor=self.user,
            reason_code=self.cleaned_data["reason_code"],
            note=self.cleaned_data["note"],
        )


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        role = "Lãnh đạo" if obj.role == Role.LEADER else "Cán bộ"
        return f"{obj} — {role}, {obj.open_cases} việc đang xử lý"


class AssignForm(ActionForm):
    action = "assign"
    submit_label = _("Phân công")
    help_text = _("Phân công trong 01 giờ làm việc (theo Điều 7 Quy chế).")

    officer = OfficerChoiceField(
        label=_("Cán bộ xử lý"), queryset=User.objects.none(), empty_label=_("— Chọn cán bộ —")
    )
    note = forms.CharField(label=_("Chỉ đạo (không bắt buộc)"), required=False, widget=_textarea(2))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        officers = assignable_officers(self.report.agency)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[o.pk for o in officers])
        field.choices = [("", "— Chọn cán bộ —")] + [
            (o.pk, field.label_from_instance(o)) for o in officers if o.pk != self.report.assignee_id
        ]

    def perform(self) -> Event:
        return services.report_assign(
            report=self.report,
            actor=self.user,
            officer=self.cleaned_data["officer"],
            note=self.cleaned_data["note"],
        )


class ReassignForm(AssignForm):
    action = "reassign"
    submit_label = _("Phân công lại")
    help_text = _("Giao phản ánh cho cán bộ khác của cơ quan.")

    def perform(self) -> Event:
        return services.report_reassign(
            report=self.report,
            actor=self.user,
            officer=self.cleaned_data["officer"],
            note=self.cleaned_data["note"],
        )


class EscalateForm(ActionForm):
    action = "escalate"
    submit_label = _("Chuyển cấp trên")

    note = forms.CharField(label=_("Lý do chuyển cấp trên"), widget=_textarea(3))
    is_complex = forms.BooleanField(
        label=_("Vụ việc phức tạp (được chuyển trong tối đa 02 ngày làm việc, theo Điều 7 Quy chế)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        parent = self.report.agency.parent
        self.target = parent
        if self.report.agency.kind != Agency.Kind.DISTRICT:
            del self.fields["is_complex"]

    @property
    def help(self) -> str:
        if self.target is None:
            return "Cơ quan này không có cấp trên."
        return f"Phản ánh vượt thẩm quyền sẽ được chuyển đến {self.target.name} (theo Điều 7 Quy chế)."

    def perform(self) -> Event:
        return services.report_escalate(
            report=self.report,
            actor=self.user,
            note=self.cleaned_data["note"],
            is_complex=bool(self.cleaned_data.get("is_complex")),
        )


class _WithPhotos(ActionForm):
    """A result with photos from the phone's camera, sent once even when retried (client key)."""

    has_files = True
    photos = MultipleFileField(
        label=_("Ảnh, video hiện trường"),
        required=False,
        help_text=format_lazy(
            _("Chụp trực tiếp bằng điện thoại hoặc chọn tệp (ảnh tối đa {image} MB, video {video} MB)."),
            image=settings.PAKN_MEDIA_LIMITS_MB["image"],
            video=settings.PAKN_MEDIA_LIMITS_MB["video"],
        ),
    )
    client_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

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

    def attach(self, event: Event) -> None:
        # Photos sent with a result are published by its approval; those sent with the province's
        # published result are published by that very action (issue 10, item 6).
        published = event if event.action == "publish_result" else None
        for f in self.cleaned_data.get("photos") or []:
            media.attachment_add(
                report=self.report,
                upload=f,
                by_reporter=False,
                event=event,
                uploaded_by=self.user,
                published_by_event=published,
            )


class ResultForm(_WithPhotos):
    action = "report_result"
    submit_label = _("Gửi kết quả cho lãnh đạo")
    help_text = _("Báo cáo kết quả xác minh, xử lý trong 01 ngày làm việc (theo Điều 7 Quy chế).")
    template_purpose = ResponseTemplate.Purpose.RESULT
    template_field = "result_text"

    result_text = forms.CharField(label=_("Kết quả xử lý"), widget=_textarea(5))
    field_order = ["result_text", "photos", "client_key"]

    def perform(self) -> Event:
        event = services.report_submit_result(
            report=self.report, actor=self.user, result_text=self.cleaned_data["result_text"]
        )
        self.attach(event)
        return event


class ApproveForm(ActionForm):
    action = "approve"
    submit_label = _("Duyệt và công khai kết quả")
    help_text = _("Kết quả được công khai và gửi cho người phản ánh.")
    template_purpose = ResponseTemplate.Purpose.RESULT
    template_field = "result_text"

    result_text = forms.CharField(
        label=_("Kết quả xử lý (có thể chỉnh sửa trước khi duyệt)"), widget=_textarea(5)
    )
    note = forms.CharField(label=_("Ghi chú nội bộ (không bắt buộc)"), required=False, widget=_textarea(2))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["result_text"].initial = self.report.result_text

    def perform(self) -> Event:
        return services.report_approve(
            report=self.report,
            actor=self.user,
            result_text=self.cleaned_data["result_text"],
            note=self.cleaned_data["note"],
        )


class ReturnForm(ActionForm):
    action = "return_result"
    submit_label = _("Trả lại kết quả")
    help_text = _("Cán bộ xử lý sẽ hoàn thiện kết quả theo ý kiến của lãnh đạo.")

    note = forms.CharField(label=_("Ý kiến của lãnh đạo"), widget=_textarea(3))

    def perform(self) -> Event:
        return services.report_return(report=self.report, actor=self.user, note=self.cleaned_data["note"])


class RequestOpinionsForm(ActionForm):
    action = "request_opinions"
    submit_label = _("Gửi xin ý kiến")
    help_text = _(
        "Các sở, ngành được chọn sẽ thấy phản ánh (không có thông tin cá nhân) và cho ý kiến (theo Điều 7 Quy chế)."
    )

    departments = forms.ModelMultipleChoiceField(
        label=_("Sở, ngành"), queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    question = forms.CharField(label=_("Nội dung xin ý kiến"), widget=_textarea(3))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["departments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Agency.objects.filter(kind=Agency.Kind.DEPARTMENT, is_active=True).order_by("name")
        if self.report.category.department_id:
            field.initial = [self.report.category.department_id]

    def perform(self) -> Event:
        return services.report_request_opinions(
            report=self.report,
            actor=self.user,
            departments=list(self.cleaned_data["departments"]),
            question=self.cleaned_data["question"],
        )


class GiveOpinionForm(ActionForm):
    action = "give_opinion"
    submit_label = _("Gửi ý kiến")

    answer = forms.CharField(label=_("Ý kiến của sở, ngành"), widget=_textarea(5))

    def perform(self) -> Event:
        return services.report_give_opinion(
            report=self.report, actor=self.user, answer=self.cleaned_data["answer"]
        )


class PublishForm(_WithPhotos):
    action = "publish_result"
    submit_label = _("Công khai kết quả")
    help_text = _(
        "Tổng hợp ý kiến các sở, ngành và công khai kết quả trong 03 ngày làm việc (theo Điều 7 Quy chế)."
    )
    template_purpose = ResponseTemplate.Purpose.RESULT
    template_field = "result_text"

    result_text = forms.CharField(label=_("Kết quả xử lý"), widget=_textarea(5))
    note = forms.CharField(label=_("Ghi chú nội bộ (không bắt buộc)"), required=False, widget=_textarea(2))
    field_order = ["result_text", "note", "photos", "client_key"]

    def perform(self) -> Event:
        event = services.report_publish_result(
            report=self.report,
            actor=self.user,
            result_text=self.cleaned_data["result_text"],
            note=self.cleaned_data["note"],
        )
        self.attach(event)
        return event


class TakeOverForm(ActionForm):
    action = "take_over"
    submit_label = _("Văn phòng UBND tỉnh chủ trì")
    help_text = _(
        "Dùng khi các cơ quan còn ý kiến khác nhau hoặc vụ việc chưa được giải quyết (theo Điều 4 Quy chế)."
    )

    note = forms.CharField(label=_("Lý do"), widget=_textarea(3))

    def perform(self) -> Event:
        return services.report_take_over(report=self.report, actor=self.user, note=self.cleaned_data["note"])


class ClarifyForm(ActionForm):
    action = "clarify"
    submit_label = _("Gửi trả lời")
    help_text = _("Trả lời đề nghị làm rõ kết quả của người phản ánh (theo Điều 8 Quy chế).")
    template_purpose = ResponseTemplate.Purpose.CLARIFY
    template_field = "note"

    note = forms.CharField(label=_("Nội dung trả lời"), widget=_textarea(4))

    def perform(self) -> Event:
        return services.report_clarify(report=self.report, actor=self.user, note=self.cleaned_data["note"])


class MarkForm(ActionForm):
    """Set or clear a mark; the label says which, from the report's current value."""

    mark: ClassVar[str] = ""
    field_name: ClassVar[str] = ""
    labels: ClassVar[tuple[str | Promise, str | Promise]] = ("", "")

    note = forms.CharField(label=_("Ghi chú (không bắt buộc)"), required=False, widget=_textarea(2))

    @property
    def setting(self) -> bool:
        return not getattr(self.report, self.field_name)

    @property
    def title(self) -> str:
        return str(self.labels[0] if self.setting else self.labels[1])

    def perform(self) -> Event:
        return services.report_mark(
            report=self.report,
            actor=self.user,
            mark=self.mark,
            value=self.setting,
            note=self.cleaned_data["note"],
        )


class MarkValuableForm(MarkForm):
    action = "mark_valuable"
    mark = "valuable"
    field_name = "is_valuable"
    labels = (_("Đánh dấu có giá trị"), _("Bỏ đánh dấu có giá trị"))
    submit_label = _("Lưu đánh dấu")
    help_text = _("Phản ánh có giá trị được ghi nhận trong thống kê (theo Điều 15 Quy chế).")


class MarkAbusiveForm(MarkForm):
    action = "mark_abusive"
    mark = "abusive"
    field_name = "is_abusive"
    labels = (_("Đánh dấu sai sự thật, lợi dụng"), _("Bỏ đánh dấu sai sự thật"))
    submit_label = _("Lưu đánh dấu")
    help_text = "Phản ánh bị đánh dấu không hiển thị công khai; nhiều lần có thể dẫn đến hạn chế người gửi (theo Điều 15 Quy chế)."
    danger = True


class MarkSecretForm(MarkForm):
    action = "mark_state_secret"
    mark = "state_secret"
    field_name = "is_state_secret"
    labels = (_("Đánh dấu bí mật nhà nước"), _("Bỏ đánh dấu bí mật nhà nước"))
    submit_label = _("Lưu đánh dấu")
    help_text = _("Phản ánh chứa bí mật nhà nước không được công khai (theo Điều 9 Quy chế).")


class MarkComplexForm(MarkForm):
    action = "mark_complex"
    mark = "complex"
    field_name = "is_complex"
    labels = (_("Đánh dấu vụ việc phức tạp"), _("Bỏ đánh dấu vụ việc phức tạp"))
    submit_label = _("Lưu đánh dấu")
    help_text = _(
        "Vụ việc phức tạp ở cấp huyện được chuyển cấp trên trong tối đa 02 ngày làm việc (theo Điều 7 Quy chế)."
    )


class BarReporterForm(ActionForm):
    action = "bar_reporter"
    submit_label = _("Hạn chế người gửi")
    help_text = _(
        "Người gửi (theo số điện thoại và số định danh) sẽ không gửi được phản ánh mới (theo Điều 15 Quy chế)."
    )
    danger = True

    note = forms.CharField(label=_("Lý do"), widget=_textarea(3))

    def perform(self) -> Event:
        return services.reporter_bar(report=self.report, actor=self.user, note=self.cleaned_data["note"])


ACTION_FORMS: dict[str, type[ActionForm]] = {
    f.action: f
    for f in (
        ForwardForm,
        RequestInfoForm,
        RejectForm,
        AssignForm,
        ReassignForm,
        EscalateForm,
        ResultForm,
        ApproveForm,
        ReturnForm,
        RequestOpinionsForm,
        GiveOpinionForm,
        PublishForm,
        TakeOverForm,
        ClarifyForm,
        MarkValuableForm,
        MarkAbusiveForm,
        MarkSecretForm,
        MarkComplexForm,
        BarReporterForm,
    )
}


# --- Inbox filters ----------------------------------------------------------------------------------------


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return (
            f"{obj.name} ({obj.parent.name})" if obj.kind == Area.Kind.COMMUNE and obj.parent_id else obj.name
        )


class InboxFilterForm(forms.Form):
    category = forms.ModelChoiceField(
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
    agency = forms.ModelChoiceField(
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
    from_user = forms.ModelChoiceField(label=_("Cán bộ bàn giao"), queryset=User.objects.none())
    to_user = forms.ModelChoiceField(label=_("Cán bộ nhận bàn giao"), queryset=User.objects.none())

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
