"""Response templates are edited by the administrator (R-8.2)."""

from django.contrib import admin

from pakn.console.models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "purpose", "category", "position", "is_active"]
    list_filter = ["purpose", "is_active", "category"]
    list_editable = ["position", "is_active"]
    search_fields = ["title", "body"]
