"""Admin of the working calendar: the administrator's days off and swapped working days, in Vietnamese.

Each row is an edit on top of the official calendar shipped with pakn (pakn/workdays/data, one file a year;
the `holidays` package for years without a file). The list shows, for each edited date, what the official
calendar says, so an edit that merely repeats it, or contradicts it, is visible.
"""

from __future__ import annotations

from django.contrib import admin

from pakn.workdays.calendar import weekday_name
from pakn.workdays.models import CalendarOverride
from pakn.workdays.official import official_years


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "official")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("date",)
    readonly_fields = ("created_at",)

    @admin.display(description="Thứ", ordering="date")
    def weekday(self, obj: CalendarOverride) -> str:
        return weekday_name(obj.date)

    @admin.display(description="Lịch chính thức đóng gói")
    def official(self, obj: CalendarOverride) -> str:
        shipped = official_years().get(obj.date.year)
        if shipped is None:
            return "Chưa có lịch năm này (dùng thư viện holidays)"
        if obj.date in shipped.days_off:
            working, name = False, shipped.days_off[obj.date]
        elif obj.date in shipped.working_days:
            working, name = True, shipped.working_days[obj.date]
        else:
            working, name = obj.date.weekday() < 5, ""
        status = "Ngày làm việc" if working else "Ngày nghỉ"
        agrees = working == (obj.kind == CalendarOverride.Kind.WORKING_DAY)
        detail = f"{status}{f' — {name}' if name else ''}"
        return f"Trùng: {detail}" if agrees else f"Khác (quản trị sửa): {detail}"
