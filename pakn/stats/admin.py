"""The agencies' explanations of late steps, readable by the administrator (R-14.4); they are written in the
console by each agency's leader, not here."""

from django.contrib import admin

from pakn.core.admin_base import ReadOnlyAdmin
from pakn.stats.models import LateExplanation


@admin.register(LateExplanation)
class LateExplanationAdmin(ReadOnlyAdmin):
    list_display = ("report", "step", "due_at", "agency", "author", "updated_at")
    list_filter = ("step", "agency__kind")
    search_fields = ("report__tracking_code", "agency__name", "text")
    date_hierarchy = "due_at"
    list_select_related = ("report", "agency", "author")
