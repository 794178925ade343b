"""Several people, one problem (issue 14, item 9; R-9.2): linking a duplicate to its original, and «Tôi cũng
gặp» (I have this too).

- `link_duplicate` (an ActionSpec, joined to the table in pakn.reports.actions): the IOC desk (or the desk of
  the agency that received the case) closes a report as a duplicate of another one, given by its tracking
  code. The duplicate is rejected with the reason «trùng» and both timelines get a public entry, recorded in
  one transaction (`Outcome.linked`). pakn.notify tells the duplicate's reporter (with the original's code)
  and makes them follow the original.
- `duplicate_linked`: the original's entry. No one takes it on its own (no rule admits anyone); it exists
  so the timeline has its label and visibility from the same table.
- `me_too_add`: one browser says it has the same problem; counted once per browser, no account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from pakn.core.crypto import lookup_hash
from pakn.reports.action_spec import ActionSpec, Group, Input, Kind, Readers
from pakn.reports.actors import IOC_DESK, Actor, InvalidTransition, ioc_desk_anywhere
from pakn.reports.effects import NO_STEP, Outcome
from pakn.reports.limits import limit_for
from pakn.reports.models import Event, MeToo, Report, State

Visibility = Event.Visibility

# A duplicate is recognised when the case is checked (IOC) or received by an agency (its desk).
LINKABLE = frozenset({State.RECEIVED, State.ROUTED})
# An original must still stand: a rejected or cancelled report cannot absorb others.
ORIGINAL_STATES = frozenset(State.values) - {State.REJECTED, State.CANCELLED}
MAX_CODE = limit_for("original")


def _original_of(report: Report, raw: Any) -> Report:
    typed = str(raw or "").strip().upper()
    if len(typed) > MAX_CODE:
        raise ValidationError({"original": "Mã tra cứu không hợp lệ."})
    # As people type it (services.normalize_tracking_code, which this module cannot import): a missing dash.
    letters = "".join(ch for ch in typed if ch.isalnum())
    code = f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else typed
    if not code:
        raise ValidationError({"original": "Vui lòng nhập mã tra cứu của phản ánh gốc."})
    original = Report.objects.select_related("agency").filter(tracking_code=code).first()
    if original is None:
        raise ValidationError({"original": f"Không tìm thấy phản ánh có mã {code}."})
    if original.pk == report.pk:
        raise ValidationError({"original": "Không thể gộp phản ánh vào chính nó."})
    if original.state not in ORIGINAL_STATES:
        raise ValidationError(
            {"original": f"Phản ánh {code} đã bị từ chối hoặc hủy, không thể làm phản ánh gốc."}
        )
    return original


def link_duplicate(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    """Close `report` as a duplicate of the report whose code is `original` (R-5.3: the reason is stated)."""
    original = _original_of(report, p.get("original"))
    note = (p.get("internal_note") or "").strip()
    reason = (
        f"Phản ánh trùng với phản ánh {original.tracking_code} đã được tiếp nhận; mời theo dõi phản ánh đó."
    )
    on_original = Outcome(
        original.state,
        note=f"Phản ánh {report.tracking_code} trùng nội dung đã được gộp vào phản ánh này.",
        data={"duplicate": report.pk, "duplicate_code": report.tracking_code},
    )
    return Outcome(
        State.REJECTED,
        {"closed_reason": reason, "escalate_by": None, **NO_STEP},
        note=reason,  # public: the staff's own note stays internal (issue 14, item 2)
        data={
            "reason_code": "duplicate",
            "original": original.pk,
            "original_code": original.tracking_code,
            **({"internal_note": note} if note else {}),
        },
        linked=[(original, "duplicate_linked", on_original)],
    )


def _never_alone(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    raise InvalidTransition("Chỉ được ghi khi gộp một phản ánh trùng.")


DUPLICATE_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "link_duplicate",
        _("Gộp vào phản ánh đã có (trùng)"),
        LINKABLE,
        (IOC_DESK, ioc_desk_anywhere),
        State.REJECTED,
        Visibility.PUBLIC,
        link_duplicate,
        inputs=(
            Input(
                "original",
                Kind.LINE,
                _("Mã tra cứu của phản ánh gốc"),
                required=True,
                missing=_("Vui lòng nhập mã tra cứu của phản ánh gốc."),
                help=_(
                    "Phản ánh này được đóng là trùng; người phản ánh được báo mã phản ánh gốc và theo dõi nó."
                ),
            ),
            # Not `note`: the entry's public note is the reason the system writes, naming the original.
            Input(
                "internal_note",
                Kind.TEXT,
                _("Ghi chú nội bộ (không bắt buộc)"),
                rows=2,
                readers=Readers.STAFF,
            ),
        ),
        help=_(
            "Dùng khi sự việc đã được phản ánh trước đó. Cả hai phản ánh ghi nhận việc gộp trên dòng thời gian "
            "công khai."
        ),
        submit=_("Gộp vào phản ánh gốc"),
        danger=True,
        summary="Đóng phản ánh trùng và gộp vào phản ánh đã có; người phản ánh theo dõi phản ánh gốc",
        api_path="link-duplicate",
    ),
    ActionSpec(
        "duplicate_linked",
        _("Gộp phản ánh trùng"),
        frozenset(State.values),
        (),  # recorded only with `link_duplicate`, on the original
        None,
        Visibility.PUBLIC,
        _never_alone,
        group=Group.SYSTEM,
    ),
)


def me_too_add(*, report: Report, voter: str, now: datetime | None = None) -> bool:
    """«Tôi cũng gặp» from one browser (`voter`: a random id of its session); True when newly counted.

    Counted once per browser and report (R-9.2: the count is public); nothing personal is stored, only a
    keyed hash of the random id. Refused on a report that was rejected or cancelled.
    """
    if report.state in (State.REJECTED, State.CANCELLED):
        raise ValidationError("Phản ánh này đã bị từ chối hoặc hủy.")
    if not voter:
        raise ValidationError("Không xác định được trình duyệt.")
    key = lookup_hash("me-too", f"{report.pk}:{voter}")
    try:
        with transaction.atomic():
            _, created = MeToo.objects.get_or_create(
                report=report, voter=key, defaults={"created_at": now or timezone.now()}
            )
    except IntegrityError:  # the same browser twice at once
        return False
    return created


def me_too_count(report: Report) -> int:
    return MeToo.objects.filter(report=report).count()


def me_too_given(report: Report, voter: str) -> bool:
    return (
        bool(voter)
        and MeToo.objects.filter(report=report, voter=lookup_hash("me-too", f"{report.pk}:{voter}")).exists()
    )
