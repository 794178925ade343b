"""Django admin for reports: deadline policies are edited here; reports and timelines are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pakn.core.admin_base import ReadOnlyAdmin
from pakn.reports.chain import SEALED_FIELDS
from pakn.reports.models import DeadlinePolicy, Event, PersonalDataAccess, Report, ReporterBan

# The report as its timeline seals it (pakn.reports.chain): its public and workflow fields, no personal data.
REPORT_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(SEALED_FIELDS))


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["step", "agency_kind", "is_complex", "amount", "unit", "basis"]
    list_filter = ["step", "agency_kind"]
    list_editable = ["amount", "unit"]


class EventInline(admin.TabularInline):
    model = Event
    fields = (
        "seq",
        "at",
        "action",
        "from_state",
        "to_state",
        "actor",
        "agency",
        "step",
        "step_due_at",
        "on_time",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    # Personal data is deliberately absent: it is shown in the console, where each view is recorded.
    list_display = ["tracking_code", "category", "state", "agency", "due_at", "channel", "created_at"]
    list_filter = ["state", "channel", "category", "is_valuable", "is_abusive", "is_state_secret"]
    search_fields = ["tracking_code"]
    fields = readonly_fields = REPORT_FIELDS
    inlines = [EventInline]
    date_hierarchy = "created_at"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "kind", "report", "detail"]
    list_filter = ["kind"]
    date_hierarchy = "at"


@admin.register(ReporterBan)
class ReporterBanAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "created_by", "agency", "report", "reason", "lifted_at", "lifted_by"]
