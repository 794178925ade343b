"""Getting into the console (R-3.1): password with lock-out (django-axes), a TOTP second factor
(django-otp) that each official enrols and a setting makes mandatory, password change and reset by e-mail."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.console.access import two_factor_required
from pakn.console.forms import TokenForm
from pakn.core.logins import login_refused_for_address


class ConsoleLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: nhập sai nhiều lần tài khoản sẽ bị "
        "tạm khóa.",
        "inactive": "Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống.",
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"


class ConsoleLoginView(auth_views.LoginView):
    """Password sign-in; an address with too many failed sign-ins across accounts is refused first."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = login_refused_for_address(request)
        if wait:
            response = render(
                request,
                "console/locked_out.html",
                {"address_blocked": True, "minutes": -(-wait // 60)},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)


login_view = ConsoleLoginView.as_view(
    template_name="console/login.html",
    authentication_form=ConsoleLoginForm,
    redirect_authenticated_user=True,
    next_page=reverse_lazy("console:inbox"),
)
logout_view = auth_views.LogoutView.as_view(next_page=reverse_lazy("console:login"))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url("console:inbox")


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a 6-digit code from the official's authenticator app."""
    user = request.user
    if not user_has_device(user, confirmed=True):
        return redirect("console:otp_enrol")
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        wait = _throttled(devices)
        device = None if wait else _matching_device(devices, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _token_error(wait))
    return render(
        request,
        "console/otp_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


def _matching_device(devices: list[TOTPDevice], token: str) -> TOTPDevice | None:
    for device in devices:
        if device.verify_token(token):
            return device
    return None


def _throttled(devices: list[TOTPDevice]) -> int:
    """Seconds to wait after wrong codes (django-otp doubles the delay after each failure); 0 when allowed."""
    from django.utils import timezone

    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            until = (details or {}).get("locked_until")
            return max(int((until - timezone.now()).total_seconds()) + 1, 1) if until else 1
    return 0


def _token_error(wait: int) -> str:
    if wait:
        return f"Đã nhập sai mã nhiều lần. Vui lòng đợi {wait} giây rồi nhập mã mới."
    return "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới trên ứng dụng."


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _secret_text(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: a QR code and the secret, confirmed by one valid code.

    Replacing an enrolled authenticator (`?lai=1`) needs the current one: the session must have passed the
    second step with it. Without it (a lost phone) only an administrator's recorded reset helps (R-3.1);
    otherwise a stolen password alone would enrol the thief's phone.
    """
    user = request.user
    if user_has_device(user, confirmed=True):
        if not user.is_verified():  # type: ignore[union-attr]  # set by django_otp's middleware
            messages.error(
                request,
                "Muốn đổi ứng dụng xác thực, trước hết hãy nhập mã của ứng dụng hiện tại. Nếu mất điện thoại, "
                "đề nghị quản trị hệ thống đặt lại xác thực hai lớp.",
            )
            return redirect("console:otp_verify")
        if not request.GET.get("lai"):
            messages.info(request, "Tài khoản đã bật xác thực hai lớp.")
            return redirect("console:account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _throttled([device])
        if not wait and device.verify_token(form.cleaned_data["token"]):
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one authenticator per official
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(
                request, "Đã bật xác thực hai lớp. Từ nay mỗi lần đăng nhập cần nhập mã trên ứng dụng."
            )
            return redirect(_next(request))
        form.add_error(
            "token",
            _token_error(wait)
            if wait
            else "Mã xác thực không đúng. Kiểm tra giờ trên điện thoại và nhập mã mới nhất.",
        )
    return render(
        request,
        "console/otp_enrol.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": _secret_text(device),
            "required": two_factor_required(),
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(label="Mật khẩu hiện tại", widget=forms.PasswordInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Mật khẩu không đúng.")
        return password


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The official's own account: second factor status, turning it off (when not mandatory), password."""
    user = request.user
    form = ConfirmPasswordForm(request.POST or None, user=user)
    has_device = user_has_device(user, confirmed=True)
    if request.method == "POST":
        if two_factor_required():
            messages.error(request, "Xác thực hai lớp là bắt buộc đối với cán bộ; không thể tắt.")
            return redirect("console:account")
        if form.is_valid():
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, "Đã tắt xác thực hai lớp.")
            return redirect("console:account")
    return render(
        request,
        "console/account.html",
        {"nav": "account", "has_device": has_device, "required": two_factor_required(), "form": form},
        status=400 if form.errors else 200,
    )


class ConsolePasswordResetForm(PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Thư điện tử của tài khoản"


password_change = auth_views.PasswordChangeView.as_view(
    template_name="console/password_change.html", success_url=reverse_lazy("console:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="console/password_change_done.html"
)
password_reset = auth_views.PasswordResetView.as_view(
    template_name="console/password_reset.html",
    form_class=ConsolePasswordResetForm,
    email_template_name="console/email/password_reset_body.txt",
    subject_template_name="console/email/password_reset_subject.txt",
    success_url=reverse_lazy("console:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="console/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="console/password_reset_confirm.html",
    success_url=reverse_lazy("console:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="console/password_reset_complete.html"
)
