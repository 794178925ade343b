"""The administrator's console pages: importing staff accounts from a spreadsheet (R-3.1, R-13.1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pakn.console.access import require_roles, staff_user
from pakn.console.forms import AccountImportForm
from pakn.console.services import (
    SpreadsheetError,
    account_invite,
    accounts_check,
    accounts_import,
    accounts_parse,
    rows_from_session,
    rows_to_session,
)
from pakn.org.models import Agency, User

SESSION_KEY = "console_account_import"


def _accounts_import_confirm(request: HttpRequest, user: User) -> HttpResponse:
    """The confirm step: create the previewed rows kept in the session (and e-mail them a password link)."""
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.error(request, "Phiên nhập đã hết hạn; vui lòng tải tệp lên lại.")
        return redirect("console:accounts_import")
    rows = accounts_import(actor=user, rows=rows_from_session(stored["rows"]))
    invited = 0
    if stored.get("send_email"):
        created = User.objects.filter(username__in=[r.values["username"] for r in rows if r.created])
        invited = sum(account_invite(user=u, site_url=settings.SITE_URL) for u in created)
    del request.session[SESSION_KEY]
    return render(
        request,
        "console/accounts_result.html",
        {
            "nav": "accounts",
            "rows": rows,
            "created": sum(r.created for r in rows),
            "invited": invited,
            "failed": [r for r in rows if not r.created],
        },
    )


def _accounts_import_preview(
    request: HttpRequest, user: User, form: AccountImportForm
) -> HttpResponse | None:
    """The upload step: check every row and show the preview (None when the file cannot be read)."""
    upload = form.cleaned_data["file"]
    try:
        rows = accounts_parse(name=upload.name, data=upload.read())
    except SpreadsheetError as e:
        form.add_error("file", str(e))
        return None
    rows = accounts_check(actor=user, rows=rows)
    request.session[SESSION_KEY] = {
        "rows": rows_to_session(rows),
        "send_email": form.cleaned_data["send_email"],
        "name": upload.name,
    }
    return render(
        request,
        "console/accounts_preview.html",
        {
            "nav": "accounts",
            "rows": rows,
            "valid": sum(r.ok for r in rows),
            "invalid": sum(not r.ok for r in rows),
            "file_name": upload.name,
        },
    )


@require_http_methods(["GET", "POST"])
@require_roles(User.Role.ADMIN, superuser=True)
def accounts_import_view(request: HttpRequest) -> HttpResponse:
    """Upload → preview with per-row errors → create the valid rows (and e-mail them a password link)."""
    user = staff_user(request)
    if request.method == "POST" and request.POST.get("step", "") == "confirm":
        return _accounts_import_confirm(request, user)
    form = AccountImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        preview = _accounts_import_preview(request, user, form)
        if preview is not None:
            return preview
    return render(
        request,
        "console/accounts_import.html",
        {
            "nav": "accounts",
            "form": form,
            "roles": User.Role.choices,
            "agencies": Agency.objects.filter(is_active=True).order_by("kind", "name")[:400],
        },
        status=400 if form.errors else 200,
    )
