"""Console notifications about category proposals (R-14.3): the administrators learn of a new proposal, the
proposer of the decision. Connected to pakn.org.signals.category_proposal in NotifyConfig.ready."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from pakn.notify.models import Notification
from pakn.org.models import CategoryProposal, User

KIND = "category_proposal"


def on_category_proposal(sender: Any, *, proposal: CategoryProposal, step: str, **kwargs: Any) -> None:
    url = reverse("console:category_proposals")
    if step == "proposed":
        admins = User.objects.filter(Q(role=User.Role.ADMIN) | Q(is_superuser=True), is_active=True)
        Notification.objects.bulk_create(
            Notification(
                user=admin,
                kind=KIND,
                title=f"{proposal.agency} đề xuất lĩnh vực: {proposal.name}",
                body=proposal.get_kind_display(),
                url=url,
                created_at=proposal.proposed_at,
            )
            for admin in admins
        )
        return
    verdict = "được chấp thuận" if step == "approved" else "không được chấp thuận"
    body = proposal.decision_note
    Notification.objects.create(
        user=proposal.proposed_by,
        kind=KIND,
        title=f"Đề xuất lĩnh vực «{proposal.name}» {verdict}",
        body=body,
        url=url,
        created_at=proposal.decided_at or proposal.proposed_at,
    )
