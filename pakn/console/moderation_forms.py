"""Console forms of the staff media and moderation actions (pakn.reports.moderation; issue 10, items 4, 6)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pakn.console.forms import ActionForm, _textarea, _WithPhotos
from pakn.reports import services
from pakn.reports.models import Attachment, Event


class AttachMediaForm(_WithPhotos):
    action = "attach_media"
    submit_label = _("Tải lên")
    help_text = _(
        "Ảnh, video bổ sung của cán bộ được ghi vào dòng thời gian với tên người tải lên; "
        "chỉ công khai khi lãnh đạo công khai ảnh."
    )

    note = forms.CharField(label=_("Ghi chú nội bộ (không bắt buộc)"), required=False, widget=_textarea(2))
    field_order = ["photos", "note", "client_key"]

    def perform(self) -> Event:
        files = self.cleaned_data.get("photos") or []
        if not files:
            raise forms.ValidationError({"photos": _("Vui lòng chọn ít nhất một tệp.")})
        return services.report_attach_media(
            report=self.report, actor=self.user, uploads=list(files), note=self.cleaned_data["note"]
        )


def _label(attachment: Attachment) -> str:
    who = attachment.uploaded_by or _("người phản ánh")
    return (
        f"#{attachment.pk} · {attachment.get_kind_display()} · {who} · {attachment.created_at:%d/%m/%Y %H:%M}"
    )


class PublishMediaForm(ActionForm):
    action = "publish_media"
    submit_label = _("Công khai ảnh đã chọn")
    help_text = _(
        "Ảnh của cán bộ chỉ hiện trên cổng thông tin khi được công khai tại đây (bản đã xóa EXIF, GPS)."
    )

    attachments = forms.MultipleChoiceField(label=_("Ảnh"), widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Ghi chú (không bắt buộc)"), required=False, widget=_textarea(2))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        waiting = Attachment.objects.filter(
            report=self.report, uploaded_by_reporter=False, published_by_event__isnull=True
        ).exclude(public_file="")
        field = self.fields["attachments"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(a.pk), _label(a)) for a in waiting.select_related("uploaded_by")]

    def perform(self) -> Event:
        return services.report_publish_media(
            report=self.report,
            actor=self.user,
            attachments=[int(pk) for pk in self.cleaned_data["attachments"]],
            note=self.cleaned_data["note"],
        )


class RedactTextForm(ActionForm):
    action = "redact_text"
    submit_label = _("Lưu bản công khai")
    help_text = _(
        "Sửa bản công khai của tiêu đề và nội dung (xóa số điện thoại, họ tên, địa chỉ của người khác...). "
        "Bản gốc vẫn được lưu cho cán bộ có quyền xem thông tin cá nhân."
    )

    title = forms.CharField(label=_("Tiêu đề công khai"), required=False)
    content = forms.CharField(label=_("Nội dung công khai"), widget=_textarea(6))
    note = forms.CharField(label=_("Lý do biên tập"), widget=_textarea(2))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["title"].initial = self.report.public_title
        self.fields["content"].initial = self.report.public_content

    def perform(self) -> Event:
        return services.report_redact_text(
            report=self.report,
            actor=self.user,
            title=self.cleaned_data["title"],
            content=self.cleaned_data["content"],
            note=self.cleaned_data["note"],
        )


class RedactPhotoForm(ActionForm):
    action = "redact_photo"
    submit_label = _("Lưu ảnh công khai")
    help_text = _(
        "Thay bản công khai của một ảnh bằng ảnh đã che thông tin (hoặc để trống để gỡ ảnh khỏi trang công "
        "khai). Ảnh gốc vẫn được lưu cho cán bộ có quyền."
    )
    has_files = True

    attachment = forms.ChoiceField(label=_("Ảnh"))
    replacement = forms.ImageField(label=_("Ảnh thay thế (không bắt buộc)"), required=False)
    note = forms.CharField(label=_("Lý do biên tập"), widget=_textarea(2))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        images = Attachment.objects.filter(report=self.report, kind=Attachment.Kind.IMAGE).exclude(
            public_file=""
        )
        field = self.fields["attachment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(a.pk), _label(a)) for a in images.select_related("uploaded_by")]

    def perform(self) -> Event:
        return services.report_redact_photo(
            report=self.report,
            actor=self.user,
            attachment=int(self.cleaned_data["attachment"]),
            replacement=self.cleaned_data.get("replacement"),
            note=self.cleaned_data["note"],
        )


MODERATION_FORMS: tuple[type[ActionForm], ...] = (
    AttachMediaForm,
    PublishMediaForm,
    RedactTextForm,
    RedactPhotoForm,
)
