"""The administrator's calendar edits: days off and swapped working days that win over the official calendar
shipped as data (pakn/workdays/data) and, for years without it, over holidays.VN."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """One day whose status an official announcement sets, winning over the shipped calendar, holidays.VN
    and the weekday."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("tên gọi"),
        max_length=200,
        help_text=_("Ví dụ: “Nghỉ bù Tết Dương lịch 2026”, “Làm bù cho ngày 02/01/2026”."),
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["day_off", "working_day"]),
                name="workdays_override_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} — {self.get_kind_display()}: {self.name}"
