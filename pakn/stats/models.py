"""The agencies' written explanations of late or unhandled steps (R-14.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.fields import optional_link
from pakn.org.models import Agency
from pakn.reports.models import Event, Report, Step


class LateExplanation(models.Model):
    """Why an agency did a step of a case late, or has not done it (R-14.4), written by its leader.

    A late item is identified by the report, the step, the step's deadline and the agency that held it, so an
    explanation written while the step was still pending stays attached once the step is done late.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("phản ánh"), on_delete=models.PROTECT, related_name="late_explanations"
    )
    event = optional_link(
        Event, _("sự kiện hoàn thành bước"), help_text=_("Trống khi bước chưa được thực hiện")
    )
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    due_at = models.DateTimeField(_("hạn của bước"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="late_explanations"
    )
    text = models.TextField(_("nội dung giải trình"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giải trình"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm giải trình"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        verbose_name = _("giải trình trễ hạn")
        verbose_name_plural = _("giải trình trễ hạn")
        ordering = ["agency", "due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "step", "due_at", "agency"], name="late_explanation_unique_item"
            )
        ]
        indexes = [models.Index(fields=["agency", "due_at"], name="late_expl_agency_due")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.step} {self.agency_id}"
