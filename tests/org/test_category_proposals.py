"""Agencies propose categories (Điều 14 khoản 3 Quy chế, R-14.3): a leader proposes a new category or a
change, the administrator approves (it is applied at once) or refuses with a reason; both are recorded and
the proposer is told. Dated: proposed on a Friday afternoon (6 March 2026), decided after the weekend, and
one proposed before Tết (13 February 2026) decided after it; on the 2025 and the 2022 data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pakn.notify.models import Notification
from pakn.org.models import Agency, Category, CategoryProposal, User
from pakn.org.proposals import (
    ProposalRefused,
    category_proposal_approve,
    category_proposal_refuse,
    category_propose,
)
from pakn.reports.models import Report
from pakn.reports.services import report_submit
from tests.conftest import VALID, Org, at, make_user
from tests.console.conftest import signed_in


@pytest.fixture
def admin(db: Any, org: Org) -> User:
    return make_user(org.ioc, User.Role.ADMIN)


def _proposer(org: Org) -> User:
    """On the 2022 data a district's leader (who supervises his communes, Điều 14 khoản 2) proposes."""
    return org.district_leader if org.district is not None else org.commune_leader


def test_a_new_category_proposed_on_friday_is_approved_after_the_weekend_and_used(any_org):
    """R-14.3: proposed Friday 6 March 2026 16:45, approved Monday 9 March 08:15: the category exists from
    then, with the proposed department; reports can be filed under it; the record keeps both steps."""
    org = any_org
    admin = make_user(org.ioc, User.Role.ADMIN)
    leader = _proposer(org)
    department = org.departments[0]
    proposal = category_propose(
        actor=leader,
        kind="new",
        name="Quản lý chợ, trung tâm thương mại",
        description="Vệ sinh, trật tự tại chợ.",
        department=department,
        reason="Nhiều phản ánh về chợ đang bị xếp vào lĩnh vực khác.",
        now=at("2026-03-06 16:45"),
    )
    assert (proposal.status, proposal.agency, proposal.proposed_by) == ("pending", leader.agency, leader)
    assert Notification.objects.filter(user=admin, kind="category_proposal").count() == 1

    category = category_proposal_approve(actor=admin, proposal=proposal, now=at("2026-03-09 08:15"))

    assert (category.name, category.department, category.is_active) == (
        "Quản lý chợ, trung tâm thương mại",
        department,
        True,
    )
    assert category.code == "quan-ly-cho-trung-tam-thuong-mai"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decided_at, proposal.result) == (
        "approved",
        admin,
        at("2026-03-09 08:15"),
        category,
    )
    told = Notification.objects.get(user=leader, kind="category_proposal")
    assert "được chấp thuận" in told.title and told.url == reverse("console:category_proposals")
    report = report_submit(
        category=category, area=org.commune_area, now=at("2026-03-09 09:00"), **VALID
    ).report
    assert Report.objects.get(pk=report.pk).category == category


def test_a_change_proposed_before_tet_is_refused_after_it_with_a_reason(any_org):
    """R-14.3: a change proposed on Friday 13 February 2026 (before Tết) is refused on Monday 23 February
    with a reason; the category is unchanged, the reason is recorded and the proposer is told it."""
    org = any_org
    admin = make_user(org.ioc, User.Role.ADMIN)
    leader = _proposer(org)
    before = Category.objects.get(pk=org.category.pk)
    proposal = category_propose(
        actor=leader,
        kind="change",
        category=org.category,
        name="Vệ sinh môi trường, cây xanh",
        reason="Gộp cây xanh đô thị vào lĩnh vực vệ sinh môi trường.",
        now=at("2026-02-13 15:30"),
    )
    with pytest.raises(ValidationError):
        category_proposal_refuse(actor=admin, proposal=proposal, reason="", now=at("2026-02-23 09:00"))
    category_proposal_refuse(
        actor=admin,
        proposal=proposal,
        reason="Cây xanh đã có lĩnh vực riêng của Sở Xây dựng.",
        now=at("2026-02-23 09:00"),
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note, proposal.decided_at) == (
        "refused",
        "Cây xanh đã có lĩnh vực riêng của Sở Xây dựng.",
        at("2026-02-23 09:00"),
    )
    after = Category.objects.get(pk=org.category.pk)
    assert (after.name, after.description, after.department_id) == (
        before.name,
        before.description,
        before.department_id,
    )
    told = Notification.objects.get(user=leader, kind="category_proposal")
    assert "không được chấp thuận" in told.title and told.body == proposal.decision_note
    # Decided once: a second decision is refused.
    with pytest.raises(ValidationError):
        category_proposal_approve(actor=admin, proposal=proposal, now=at("2026-02-23 10:00"))


def test_an_approved_change_is_applied(org, admin):
    proposal = category_propose(
        actor=org.commune_leader,
        kind="change",
        category=org.category,
        name="Vệ sinh môi trường đô thị",
        reason="Tên hiện nay chưa rõ phạm vi đô thị.",
        now=at("2026-03-06 16:45"),
    )
    category_proposal_approve(actor=admin, proposal=proposal, note="Đồng ý.", now=at("2026-03-09 08:00"))
    org.category.refresh_from_db()
    assert org.category.name == "Vệ sinh môi trường đô thị"


def test_who_may_propose_and_decide(org, admin):
    """R-14.3: only an agency's leader proposes; only the administrator decides; a proposal needs a reason
    and a new name."""
    for actor in (org.officer, org.operator, org.supervisor, org.specialist(0)):
        with pytest.raises(ProposalRefused):
            category_propose(actor=actor, kind="new", name="Lĩnh vực mới", reason="Lý do đủ dài để nhận.")
    with pytest.raises(ValidationError) as e:
        category_propose(actor=org.commune_leader, kind="new", name=org.category.name, reason="ngắn")
    assert set(e.value.message_dict) == {"name", "reason"}
    proposal = category_propose(
        actor=org.commune_leader, kind="new", name="Lĩnh vực mới", reason="Lý do đủ dài để nhận."
    )
    for actor in (org.commune_leader, org.supervisor, org.ioc_leader):
        with pytest.raises(ProposalRefused):
            category_proposal_approve(actor=actor, proposal=proposal)
    assert CategoryProposal.objects.get(pk=proposal.pk).status == "pending"


# --- The console page ---------------------------------------------------------------------------------------


def test_the_console_page_for_the_leader_and_the_administrator(org, admin):
    """The leader proposes from /console/linh-vuc/ and reads his agency's proposals; the administrator sees
    every proposal and refuses one with a reason, then approves another; officers are refused the page."""
    url = reverse("console:category_proposals")
    leader = signed_in(org.commune_leader)
    page = leader.get(url)
    assert page.status_code == 200 and "Gửi đề xuất" in page.content.decode()
    bad = leader.post(url, {"kind": "new", "name": "Chợ", "reason": "ngắn"})
    assert bad.status_code == 400
    sent = leader.post(
        url,
        {"kind": "new", "name": "Quản lý chợ", "reason": "Nhiều phản ánh về chợ chưa có lĩnh vực."},
    )
    assert sent.status_code == 302
    first = CategoryProposal.objects.get(name="Quản lý chợ")
    leader.post(url, {"kind": "new", "name": "Bến xe", "reason": "Phản ánh về bến xe ngày càng nhiều."})
    second = CategoryProposal.objects.get(name="Bến xe")
    other = signed_in(org.other_leader).get(url).content.decode()
    assert "Quản lý chợ" not in other  # another agency's proposals are not shown

    administrator = signed_in(admin)
    listing = administrator.get(url).content.decode()
    assert "Quản lý chợ" in listing and "Chấp thuận và áp dụng" in listing
    refused = administrator.post(url, {"proposal": first.pk, "decide": "refuse", "note": ""})
    assert refused.status_code == 400
    administrator.post(url, {"proposal": first.pk, "decide": "refuse", "note": "Đã có lĩnh vực thương mại."})
    administrator.post(url, {"proposal": second.pk, "decide": "approve", "note": ""})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("refused", "approved")
    assert Category.objects.filter(name="Bến xe").exists()
    mine = leader.get(url).content.decode()
    assert "Đã có lĩnh vực thương mại." in mine and "Không chấp thuận" in mine

    assert signed_in(org.officer).get(url).status_code == 403


def test_the_english_page(org):
    """The page in English when English is chosen (the language switch's cookie)."""
    client = signed_in(org.commune_leader)
    client.cookies["django_language"] = "en"
    text = client.get(reverse("console:category_proposals")).content.decode()
    assert "Category proposals" in text and "Reason for the proposal" in text and "Send the proposal" in text


def test_departments_offered_are_active_departments(org):
    from pakn.console.proposal_views import ProposalForm

    field = ProposalForm().fields["department"]
    assert set(field.queryset) == set(Agency.objects.filter(kind="department", is_active=True))  # type: ignore[attr-defined]
