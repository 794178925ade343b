"""The agencies' explanations of late steps, readable by the administrator (R-14.4); they are written in the
console by each agency's leader, not here."""

from django.contrib import admin
from django.http import HttpRequest

from pakn.stats.models import LateExplanation


@admin.register(LateExplanation)
class LateExplanationAdmin(admin.ModelAdmin):
    list_display = ("report", "step", "due_at", "agency", "author", "updated_at")
    list_filter = ("step", "agency__kind")
    search_fields = ("report__tracking_code", "agency__name", "text")
    date_hierarchy = "due_at"
    list_select_related = ("report", "agency", "author")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
