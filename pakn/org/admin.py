"""Django admin, in Vietnamese, for areas, agencies, categories and staff accounts (R-13.1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.core.admin_base import ReadOnlyAdmin, ViewOnlyAdmin
from pakn.org.accounts import user_second_factor_reset
from pakn.org.boundaries import boundaries_import
from pakn.org.models import AccountEvent, Agency, Area, AreaBoundary, Category, CategoryProposal, User
from pakn.org.services import user_apply_role_flags, user_role_check


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "type_label", "parent", "dataset", "is_active"]
    list_filter = ["dataset", "kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    list_per_page = 100


class BoundaryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp GeoJSON"),
        help_text=_(
            "Một FeatureCollection các vùng Polygon/MultiPolygon (kinh độ, vĩ độ WGS 84); mỗi vùng ghi mã "
            "(code, ma_xa) hoặc tên (name, ten_xa) của xã, phường. Ranh giới cũ của các đơn vị có trong tệp "
            "được thay thế."
        ),
    )


@admin.register(AreaBoundary)
class AreaBoundaryAdmin(ViewOnlyAdmin):
    """Boundaries are read here and replaced only by importing a file (recorded: who, when, which file)."""

    list_display = ["area", "source", "imported_at", "imported_by"]
    list_select_related = ["area", "imported_by"]
    search_fields = ["area__name", "area__code"]
    fields = ["area", "source", "imported_at", "imported_by"]
    readonly_fields = ["area", "source", "imported_at", "imported_by"]
    change_list_template = "admin/org/areaboundary/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("nhap/", view, name="org_areaboundary_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> Any:
        if not request.user.has_perm("org.add_areaboundary") and not request.user.is_superuser:
            raise PermissionDenied
        form = BoundaryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            actor = request.user if isinstance(request.user, User) else None
            try:
                result = boundaries_import(data=upload.read(), actor=actor, source=upload.name)
            except ValidationError as e:
                for message in e.messages:
                    form.add_error("file", message)
            else:
                for line in result.summary():
                    self.message_user(request, line)
                return redirect("admin:org_areaboundary_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Nhập ranh giới xã, phường"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/org/areaboundary/import.html", context)


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


@admin.register(CategoryProposal)
class CategoryProposalAdmin(ReadOnlyAdmin):
    """The record of agencies' proposals and their decisions (R-14.3); decided in the console's page
    "Đề xuất lĩnh vực" (/console/linh-vuc/), which applies an approval, so read-only here."""

    list_display = ("name", "kind", "agency", "proposed_at", "status", "decided_by", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "reason", "decision_note")


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

    change_form_template = "admin/org/user_change_form.html"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        user_apply_role_flags(obj)
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        reset = path(
            "<path:object_id>/dat-lai-xac-thuc/",
            self.admin_site.admin_view(
                lambda request, object_id: second_factor_reset_view(self, request, object_id)
            ),
            name="org_user_second_factor_reset",
        )
        return [reset, *super().get_urls()]


# --- Second factors (R-3.1) ----------------------------------------------------------------------------------
# django_otp's own admin lets an administrator read any official's TOTP secret (its QR code page) and delete
# an authenticator without a trace. Here devices are only listed; replacing one goes through the recorded
# reset on the account's page (pakn.org.accounts.user_second_factor_reset).


class ReadOnlyTOTPDeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "name"]
    list_select_related = ["user"]
    # Shown through methods: django-otp's field help texts are English only (pakn.core.admin names the rest).
    fields = ["user", "device_name", "is_confirmed", "last_used_at", "created_at"]
    readonly_fields = ["user", "device_name", "is_confirmed", "last_used_at", "created_at"]

    @admin.display(description=_("tên thiết bị"))
    def device_name(self, device: TOTPDevice) -> str:
        return device.name

    @admin.display(description=_("đã xác nhận"), boolean=True)
    def is_confirmed(self, device: TOTPDevice) -> bool:
        return bool(device.confirmed)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, ReadOnlyTOTPDeviceAdmin)


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "actor", "reason"]
    list_filter = ["action"]
    search_fields = ["user__username", "actor__username", "reason"]
    list_select_related = ["user", "actor"]
    fields = ["at", "user", "action", "actor", "reason"]
    readonly_fields = ["at", "user", "action", "actor", "reason"]


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(
        label="Lý do",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ví dụ: cán bộ mất điện thoại, đã xác minh trực tiếp ngày …",
    )


def second_factor_reset_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> Any:
    """The administrator's recorded reset of an official's second factor (a lost phone)."""
    user = model_admin.get_object(request, object_id)
    if user is None or not model_admin.has_change_permission(request, user):
        raise PermissionDenied
    form = SecondFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = request.user
        assert isinstance(actor, User)
        user_second_factor_reset(user=user, actor=actor, reason=form.cleaned_data["reason"])
        model_admin.message_user(
            request, f"Đã đặt lại xác thực hai lớp của {user}. Cán bộ đăng ký lại ở lần đăng nhập tới."
        )
        return redirect("admin:org_user_change", user.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Đặt lại xác thực hai lớp: {user}",
        "form": form,
        "account": user,
        "devices": TOTPDevice.objects.filter(user=user, confirmed=True).count(),
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/org/second_factor_reset.html", context)
