"""Agencies propose categories (Điều 14 khoản 3 Quy chế, R-14.3): "Đề xuất với UBND tỉnh (qua Văn phòng UBND
tỉnh) bổ sung, cập nhật các lĩnh vực …".

A leader of an agency proposes a new category, or a change to one (its name, description or leading
department), with a reason. The administrator approves it, which applies it to the list of categories at
once, or refuses it with a reason. The proposal keeps who proposed and who decided, when and why; the
proposer (and, for a new proposal, the administrators) are told through the `category_proposal` signal,
which pakn.notify turns into console notifications (org does not import notify).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from pakn.org.models import Agency, Category, CategoryProposal, User
from pakn.org.signals import category_proposal

Role = User.Role
Kind = CategoryProposal.Kind
Status = CategoryProposal.Status

REASON_MIN, REASON_MAX = 10, 2000


class ProposalRefused(PermissionError):
    """The actor may not take this step; `message` is Vietnamese and shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def may_propose(user: User) -> bool:
    return user.is_active and user.role == Role.LEADER and user.agency_id is not None


def may_decide(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role == Role.ADMIN)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def category_propose(
    *,
    actor: User,
    kind: str,
    name: str,
    reason: str,
    description: str = "",
    category: Category | None = None,
    department: Agency | None = None,
    now: datetime | None = None,
) -> CategoryProposal:
    """R-14.3: a leader proposes a new category or a change to an existing one."""
    if not may_propose(actor):
        raise ProposalRefused("Chỉ lãnh đạo cơ quan mới đề xuất được lĩnh vực.")
    name, reason, description = _clean(name), (reason or "").strip(), (description or "").strip()
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Vui lòng chọn loại đề xuất."
    if not name or len(name) > 200:
        errors["name"] = "Vui lòng nhập tên lĩnh vực (tối đa 200 ký tự)."
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        errors["reason"] = f"Vui lòng nêu lý do đề xuất ({REASON_MIN} đến {REASON_MAX} ký tự)."
    if len(description) > 2000:
        errors["description"] = "Mô tả tối đa 2000 ký tự."
    if department is not None and (department.kind != Agency.Kind.DEPARTMENT or not department.is_active):
        errors["department"] = "Sở chủ trì phải là một sở, ngành đang hoạt động."
    if kind == Kind.CHANGE:
        if category is None:
            errors["category"] = "Vui lòng chọn lĩnh vực cần cập nhật."
        elif (name, description, department) == (category.name, category.description, category.department):
            errors["name"] = "Đề xuất chưa thay đổi gì so với lĩnh vực hiện có."
    elif kind == Kind.NEW:
        category = None
        if Category.objects.filter(name__iexact=name).exists():
            errors["name"] = "Đã có lĩnh vực cùng tên."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        proposal = CategoryProposal.objects.create(
            kind=kind,
            category=category,
            name=name,
            description=description,
            department=department,
            reason=reason,
            agency=actor.agency,  # type: ignore[misc]  # may_propose: he has one
            proposed_by=actor,
            proposed_at=now or timezone.now(),
        )
        category_proposal.send(CategoryProposal, proposal=proposal, step="proposed")
    return proposal


def _new_code(name: str) -> str:
    base = slugify(name.replace("đ", "d").replace("Đ", "D"))[:40] or "linh-vuc"
    code, n = base, 1
    while Category.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _decide(proposal: CategoryProposal, actor: User, status: str, note: str, now: datetime) -> bool:
    """Compare-and-swap from pending: two administrators deciding at once cannot both win."""
    return (
        CategoryProposal.objects.filter(pk=proposal.pk, status=Status.PENDING).update(
            status=status, decided_by=actor, decided_at=now, decision_note=note
        )
        == 1
    )


def category_proposal_approve(
    *, actor: User, proposal: CategoryProposal, note: str = "", now: datetime | None = None
) -> Category:
    """The administrator approves a proposal: it is applied to the categories at once and recorded."""
    if not may_decide(actor):
        raise ProposalRefused("Chỉ quản trị hệ thống mới phê duyệt được đề xuất lĩnh vực.")
    now = now or timezone.now()
    with transaction.atomic():
        if not _decide(proposal, actor, Status.APPROVED, (note or "").strip(), now):
            raise ValidationError({"__all__": "Đề xuất này đã được xem xét."})
        if proposal.kind == Kind.NEW:
            if Category.objects.filter(name__iexact=proposal.name).exists():
                raise ValidationError({"__all__": "Đã có lĩnh vực cùng tên; không thể bổ sung."})
            position = (Category.objects.aggregate(m=Max("position"))["m"] or 0) + 1
            category = Category.objects.create(
                code=_new_code(proposal.name),
                name=proposal.name,
                description=proposal.description,
                department=proposal.department,
                position=position,
            )
        else:
            category = proposal.category  # type: ignore[assignment]
            assert category is not None
            Category.objects.filter(pk=category.pk).update(
                name=proposal.name, description=proposal.description, department=proposal.department
            )
            category.refresh_from_db()
        CategoryProposal.objects.filter(pk=proposal.pk).update(result=category)
        proposal.refresh_from_db()
        category_proposal.send(CategoryProposal, proposal=proposal, step="approved")
    return category


def category_proposal_refuse(
    *, actor: User, proposal: CategoryProposal, reason: str, now: datetime | None = None
) -> CategoryProposal:
    """The administrator refuses a proposal, with the reason the proposer reads."""
    if not may_decide(actor):
        raise ProposalRefused("Chỉ quản trị hệ thống mới phê duyệt được đề xuất lĩnh vực.")
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ValidationError(
            {"reason": f"Vui lòng nêu lý do không chấp thuận ({REASON_MIN} đến {REASON_MAX} ký tự)."}
        )
    with transaction.atomic():
        if not _decide(proposal, actor, Status.REFUSED, reason, now or timezone.now()):
            raise ValidationError({"__all__": "Đề xuất này đã được xem xét."})
        proposal.refresh_from_db()
        category_proposal.send(CategoryProposal, proposal=proposal, step="refused")
    return proposal


def proposals_for(user: User) -> list[CategoryProposal]:
    """The proposals a person may read: all for the administrator, his agency's for a leader."""
    found = CategoryProposal.objects.select_related(
        "agency", "proposed_by", "decided_by", "category", "department", "result"
    )
    if may_decide(user):
        return list(found)
    if may_propose(user):
        return list(found.filter(agency=user.agency))
    return []
