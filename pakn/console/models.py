"""Data of the staff console: response templates (R-8.2) and the keys of results sent from the field."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.fields import optional_link
from pakn.org.models import Category


class ResponseTemplate(models.Model):
    """A ready answer an official inserts into a result, clarification or request, per category."""

    class Purpose(models.TextChoices):
        RESULT = "result", _("Kết quả xử lý")
        CLARIFY = "clarify", _("Trả lời làm rõ")
        REQUEST_INFO = "request_info", _("Đề nghị bổ sung thông tin")

    title = models.CharField(_("tên mẫu"), max_length=120)
    purpose = models.CharField(_("dùng cho"), max_length=20, choices=Purpose.choices, default=Purpose.RESULT)
    category = optional_link(
        Category,
        _("lĩnh vực"),
        on_delete=models.CASCADE,
        related_name="response_templates",
        help_text=_("Để trống: dùng cho mọi lĩnh vực"),
    )
    body = models.TextField(_("nội dung"))
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("mẫu trả lời")
        verbose_name_plural = _("mẫu trả lời")
        ordering = ["purpose", "position", "title"]

    def __str__(self) -> str:
        return self.title


class ClientSubmission(models.Model):
    """A form sent with a key chosen by the browser, so a result queued offline is applied exactly once."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=30)
    event = optional_link("reports.Event", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("biểu mẫu đã nhận")
        verbose_name_plural = _("biểu mẫu đã nhận")

    def __str__(self) -> str:
        return self.key
