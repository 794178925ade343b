"""Bases of the Django admin pages that only show records (DESIGN rule 1: writes go through services and the
workflow, never through the admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ViewOnlyAdmin(admin.ModelAdmin):
    """Records made elsewhere (a login, an import, the worker): shown, never added or edited here; an
    administrator may still delete them unless a subclass says otherwise."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ViewOnlyAdmin):
    """A record kept as it was made (a timeline, a decision, an explanation): not deleted here either."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
