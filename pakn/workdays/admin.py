"""Admin of the working calendar: the official days off and swapped working days, in Vietnamese."""

from __future__ import annotations

from django.contrib import admin

from pakn.workdays.calendar import weekday_name
from pakn.workdays.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("date",)
    readonly_fields = ("created_at",)

    @admin.display(description="Thứ", ordering="date")
    def weekday(self, obj: CalendarOverride) -> str:
        return weekday_name(obj.date)
