"""Category proposals in the console (Điều 14 khoản 3 Quy chế, R-14.3) at /console/linh-vuc/: a leader
proposes a new category or a change and follows his agency's proposals; the administrator approves (applies)
or refuses each pending one with a reason. The services are pakn.org.proposals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from pakn.console.access import refuse, require_roles, staff_user
from pakn.core import choices
from pakn.org.models import Agency, Category, CategoryProposal, User
from pakn.org.proposals import (
    ProposalRefused,
    category_proposal_approve,
    category_proposal_refuse,
    category_propose,
    may_decide,
    may_propose,
    proposals_for,
)


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại đề xuất"),
        choices=CategoryProposal.Kind.choices,
        widget=forms.RadioSelect,
        initial=CategoryProposal.Kind.NEW,
    )
    category = choices.ModelChoiceField(
        label=_("Lĩnh vực cần cập nhật"),
        queryset=Category.objects.order_by("position", "name"),
        required=False,
        help_text=_("Chỉ chọn khi đề xuất cập nhật một lĩnh vực hiện có."),
    )
    name = forms.CharField(label=_("Tên lĩnh vực"), max_length=200)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    department = choices.ModelChoiceField(
        label=_("Sở chủ trì ở cấp tỉnh"),
        queryset=Agency.objects.filter(kind=Agency.Kind.DEPARTMENT, is_active=True).order_by("name"),
        required=False,
    )
    reason = forms.CharField(label=_("Lý do đề xuất"), widget=forms.Textarea(attrs={"rows": 3}))


def _errors_into(form: forms.Form, e: ValidationError) -> None:
    for name, errors in (e.error_dict if hasattr(e, "error_dict") else {"__all__": e.error_list}).items():
        form.add_error(name if name in form.fields else None, [m for err in errors for m in err.messages])


@require_http_methods(["GET", "POST"])
@require_roles(User.Role.LEADER, User.Role.ADMIN, superuser=True)
def category_proposals(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = ProposalForm(request.POST or None) if may_propose(user) else None
    decision_errors: dict[int, str] = {}
    if request.method == "POST" and request.POST.get("decide"):
        response = _decide(request, user, decision_errors)
        if response is not None:
            return response
    elif request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            category_propose(
                actor=user,
                kind=data["kind"],
                category=data.get("category"),
                name=data["name"],
                description=data.get("description", ""),
                department=data.get("department"),
                reason=data["reason"],
            )
        except ValidationError as e:
            _errors_into(form, e)
        except ProposalRefused as e:
            return refuse(request, e.message)
        else:
            messages.success(request, _("Đã gửi đề xuất lĩnh vực đến quản trị hệ thống."))
            return redirect("console:category_proposals")
    context: dict[str, Any] = {
        "nav": "proposals",
        "form": form,
        "proposals": proposals_for(user),
        "decider": may_decide(user),
        "decision_errors": decision_errors,
    }
    failed = bool((form is not None and form.errors) or decision_errors)
    return render(request, "console/category_proposals.html", context, status=400 if failed else 200)


def _decide(request: HttpRequest, user: User, errors: dict[int, str]) -> HttpResponse | None:
    proposal = get_object_or_404(CategoryProposal, pk=request.POST.get("proposal") or 0)
    decision = request.POST.get("decide")
    try:
        if decision == "approve":
            category_proposal_approve(actor=user, proposal=proposal, note=request.POST.get("note", ""))
            messages.success(request, _("Đã chấp thuận và áp dụng đề xuất."))
        elif decision == "refuse":
            category_proposal_refuse(actor=user, proposal=proposal, reason=request.POST.get("note", ""))
            messages.success(request, _("Đã không chấp thuận đề xuất; người đề xuất được thông báo lý do."))
        else:
            errors[proposal.pk] = str(_("Thao tác không hợp lệ."))
            return None
    except ProposalRefused as e:
        return refuse(request, e.message)
    except ValidationError as e:
        errors[proposal.pk] = " ".join(e.messages)
        return None
    return redirect("console:category_proposals")
