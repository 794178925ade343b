"""Django admin, in Vietnamese, for areas, agencies, categories and staff accounts (R-13.1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from pakn.org.models import Agency, Area, Category, User
from pakn.org.services import user_apply_role_flags, user_role_check


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "type_label", "parent", "dataset", "is_active"]
    list_filter = ["dataset", "kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    list_per_page = 100


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "area", "is_active"]
    list_filter = ["kind", "is_active", ("area__dataset", admin.AllValuesFieldListFilter)]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "area"]
    autocomplete_fields = ["parent", "area"]
    list_per_page = 100
    fieldsets = [
        (None, {"fields": ["name", "code", "kind", "is_active"]}),
        ("Địa bàn và cấp trên", {"fields": ["area", "parent"]}),
        ("Liên hệ", {"fields": ["email", "phone"]}),
    ]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "department", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    prepopulated_fields = {"code": ["name"]}


class _RoleAgencyFormMixin(forms.ModelForm):
    """The same role/agency rule as user_create, so an account edited in the admin stays consistent."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        role = cleaned.get("role")
        if role:
            try:
                user_role_check(role=role, agency=cleaned.get("agency"))
            except ValidationError as e:
                for field_name, errors in e.error_dict.items():
                    for error in errors:
                        self.add_error(field_name if field_name in self.fields else None, error)
        return cleaned


class StaffCreationForm(_RoleAgencyFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)


class StaffChangeForm(_RoleAgencyFormMixin, UserChangeForm):
    class Meta:
        model = User
        field_classes = {"username": UsernameField}
        fields = (
            "username",
            "password",
            "last_name",
            "first_name",
            "email",
            "phone",
            "agency",
            "role",
            "is_focal",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["username", "full_name", "agency", "role", "is_focal", "is_active", "last_login"]
    list_filter = ["role", "agency__kind", "is_focal", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "phone", "agency__name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin cá nhân", {"fields": ("last_name", "first_name", "email", "phone")}),
        ("Cơ quan và vai trò", {"fields": ("agency", "role", "is_focal")}),
        (
            "Quyền hạn",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "Vai trò “Quản trị hệ thống” được vào trang quản trị này; "
                "các vai trò khác làm việc trên trang nghiệp vụ.",
            },
        ),
        ("Thời điểm", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        ("Thông tin cá nhân", {"fields": ("last_name", "first_name", "email", "phone")}),
        ("Cơ quan và vai trò", {"fields": ("agency", "role", "is_focal")}),
    )

    @admin.display(description="Họ và tên", ordering="first_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        user_apply_role_flags(obj)
        super().save_model(request, obj, form, change)
